using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Tests.RealProjects;

/// <summary>An in-memory project (every file tracked by git unless said otherwise) and what check says about it.</summary>
internal static class Project
{
    public static ProjectSnapshot Of(params (string Path, string Content)[] files) => Of(tracked: null, files);

    public static ProjectSnapshot Of(IEnumerable<string>? tracked, params (string Path, string Content)[] files) =>
        new([.. files.Select(f => new ProjectFile(f.Path, f.Content.ReplaceLineEndings("\n")))],
            new GitFacts(true, (tracked ?? files.Select(f => f.Path)).ToHashSet(), EnvIgnored: true));

    public static IReadOnlyList<Finding> Check(params (string Path, string Content)[] files) => ProjectCheck.Run(Of(files));

    /// <summary>"file:line severity rule" of each finding of the given rules (all but the migration/rollback ones when none is given).</summary>
    public static List<string> Summaries(IEnumerable<Finding> findings, params string[] rules) =>
    [
        .. findings.Where(f => rules.Length == 0 ? f.RuleId.StartsWith("compose-", StringComparison.Ordinal) : rules.Contains(f.RuleId))
            .Select(f => $"{f.File}:{f.Line} {(f.Severity == Severity.Error ? "error" : "warning")} {f.RuleId}"),
    ];
}
