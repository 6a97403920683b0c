namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// Which keys differ between a local .env and a server's: added (only local), changed, removed (only on the
/// server). Holds key names only, so it can be printed and serialized anywhere.
/// </summary>
public sealed record DotenvDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public static readonly DotenvDiff None = new([], [], []);

    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    public int Count => Added.Count + Changed.Count + Removed.Count;

    /// <summary>Compares the effective values (the last assignment of each key wins, as in compose).</summary>
    public static DotenvDiff Compare(DotenvFile local, DotenvFile? remote)
    {
        var mine = local.ToDictionary();
        var theirs = remote?.ToDictionary() ?? new Dictionary<string, string>();
        return new DotenvDiff(
            [.. mine.Keys.Where(key => !theirs.ContainsKey(key)).Order(StringComparer.Ordinal)],
            [.. mine.Keys.Where(key => theirs.TryGetValue(key, out var value) && !string.Equals(value, mine[key], StringComparison.Ordinal)).Order(StringComparer.Ordinal)],
            [.. theirs.Keys.Where(key => !mine.ContainsKey(key)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>One line per key: <c>+ KEY</c>, <c>~ KEY</c>, <c>- KEY</c>.</summary>
    public IEnumerable<string> Lines() =>
        Added.Select(key => $"+ {key}").Concat(Changed.Select(key => $"~ {key}")).Concat(Removed.Select(key => $"- {key}"));

    public override string ToString() => $"{Added.Count} added, {Changed.Count} changed, {Removed.Count} removed";
}
