namespace DevOpsAgent.Core.Quality;

/// <summary>
/// Known false positives, one per line in <c>.devops-agent-allow</c>: <c>path</c>, <c>path:line</c>, or
/// either followed by a rule id (<c>tests/keys.py:12 secret-private-key</c>); <c>#</c> starts a comment.
/// A line of the scanned file can also carry the marker <c>devops-agent: allow</c>.
/// </summary>
public sealed record SecretAllowlist(IReadOnlyList<(string Path, int Line, string? Rule)> Entries)
{
    public const string FileName = ".devops-agent-allow";

    public static SecretAllowlist From(ProjectSnapshot project) =>
        project.Find(FileName) is { } file ? Parse(file.Content) : new SecretAllowlist([]);

    public static SecretAllowlist Parse(string text) => new(
    [
        .. text.Split('\n')
            .Select(line => line.Split('#', 2)[0].Trim())
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                var parts = line.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                var location = parts[0];
                var colon = location.LastIndexOf(':');
                var hasLine = colon > 0 && int.TryParse(location[(colon + 1)..], out _);
                return (hasLine ? location[..colon] : location, hasLine ? int.Parse(location[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0,
                    parts.Length > 1 ? parts[1].Trim() : null);
            }),
    ]);

    public bool Allows(Finding finding) => Entries.Any(entry =>
        entry.Path == finding.File && (entry.Line == 0 || entry.Line == finding.Line) && (entry.Rule is null || entry.Rule == finding.RuleId));
}
