namespace DevOpsAgent.Core.Quality;

public enum Severity
{
    Warning,
    Error,
}

/// <summary>
/// One problem a check found: where (file:line, line 0 for the file as a whole), which rule, how bad, and
/// how to fix it. Messages name keys and rules, never values.
/// </summary>
public sealed record Finding(string RuleId, Severity Severity, string File, int Line, string Message, string Fix)
{
    public string Location => Line > 0 ? $"{File}:{Line}" : File;

    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")} {RuleId}: {Message}";
}

public static class Findings
{
    public static IReadOnlyList<Finding> Sorted(IEnumerable<Finding> findings) =>
    [
        .. findings
            .OrderBy(f => f.File, StringComparer.Ordinal)
            .ThenBy(f => f.Line)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal),
    ];

    public static bool HasErrors(this IEnumerable<Finding> findings) => findings.Any(f => f.Severity == Severity.Error);
}
