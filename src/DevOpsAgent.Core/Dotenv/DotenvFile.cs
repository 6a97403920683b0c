namespace DevOpsAgent.Core.Dotenv;

/// <summary>One assignment in a .env file. <see cref="ToString"/> leaves the value out.</summary>
public sealed record DotenvEntry(string Key, string Value, int Line)
{
    public override string ToString() => $"{Key} (line {Line})";
}

/// <summary>A parsed .env file: its assignments in order (a key may repeat; the last one wins).</summary>
public sealed record DotenvFile(string Path, IReadOnlyList<DotenvEntry> Entries)
{
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            values[entry.Key] = entry.Value;
        }

        return values;
    }

    /// <summary>The last assignment of each key, for lookups in linear time over many keys.</summary>
    public IReadOnlyDictionary<string, DotenvEntry> LastEntries()
    {
        var entries = new Dictionary<string, DotenvEntry>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            entries[entry.Key] = entry;
        }

        return entries;
    }

    /// <summary>The last assignment of <paramref name="key"/>, or null.</summary>
    public DotenvEntry? Find(string key) => Entries.LastOrDefault(entry => entry.Key == key);

    public IReadOnlyList<string> Keys => [.. Entries.Select(entry => entry.Key).Distinct(StringComparer.Ordinal)];

    public override string ToString() => $"{Path} ({Entries.Count} entries)";
}
