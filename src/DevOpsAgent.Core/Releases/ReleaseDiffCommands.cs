using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Releases;

/// <summary>
/// The read-only git commands a release diff runs in the environment's checkout on the server. Pure: builds, never
/// runs. Refs reach git only as <see cref="GitRef"/>s (through <see cref="Resolve"/>); everything after that takes
/// the full commit ids git resolved them to, so no option or revision syntax can ride in on a name.
/// </summary>
public sealed record ReleaseDiffCommands(string AppPath)
{
    /// <summary>The template whose keys are compared, at the repository's root as <c>init</c> and <c>check</c> expect it.</summary>
    public const string EnvExample = ".env.example";

    /// <summary>Commits listed per direction; a diff between distant releases says it was cut.</summary>
    public const int MaxCommits = 500;

    // Paths given to git are names, never patterns or magic (":(exclude)…"), whatever devops-agent.yml holds.
    private ShellCommand Git(params string[] arguments) => ShellCommand.Of("git", ["-C", AppPath, "--literal-pathspecs", .. arguments]);

    /// <summary>A branch (from origin), tag or commit to a full commit id, as a deploy resolves it; prints nothing when unknown.</summary>
    public ShellCommand Resolve(GitRef gitRef) => new GitCommands(AppPath).Resolve(gitRef);

    /// <summary>Commits reachable from <paramref name="to"/> and not from <paramref name="from"/>, newest first, one more than listed.</summary>
    public ShellCommand Commits(string from, string to) =>
        Git("log", "-z", $"--max-count={MaxCommits + 1}", "--format=%H%x1f%an%x1f%aI%x1f%s", $"{Commit(from)}..{Commit(to)}");

    /// <summary>Added, changed and removed files among the migrations, the compose files and the env template.</summary>
    public ShellCommand Changes(string from, string to, string? migrationsFolder, IEnumerable<string> composeFiles) =>
        Git(["diff", "--no-renames", "--no-ext-diff", "--name-status", "-z", Commit(from), Commit(to), "--",
            .. migrationsFolder is null ? [] : new[] { migrationsFolder.TrimEnd('/') }, .. composeFiles, EnvExample]);

    /// <summary>The env template as the release holds it (read only for its keys).</summary>
    public ShellCommand ShowEnvExample(string commit) => Git("cat-file", "blob", $"{Commit(commit)}:{EnvExample}");

    public static bool IsCommitId(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigitLower);

    private static string Commit(string commit) =>
        IsCommitId(commit) ? commit : throw new ArgumentException($"'{commit}' is not a full commit id", nameof(commit));
}
