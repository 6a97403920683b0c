using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// Builders for the read-only git queries the quality checks need. They run in directories that may come from
/// anyone (an MCP caller, a cloned repository), and a repository's own config can make git run programs
/// (<c>core.fsmonitor</c> runs on <c>ls-files</c>; hooks, pagers, diff and filter drivers, <c>core.sshCommand</c>).
/// So every query runs hardened: those settings overridden on the command line (which wins over the repository's
/// config), system and global config not read, no transport allowed, no optional index writes. A repository
/// owned by another user stays refused by git's own safe.directory check (no global config can allow it), and is
/// then examined as a plain folder.
/// </summary>
public static class GitQueries
{
    /// <summary>Options given before every query's subcommand.</summary>
    public static readonly IReadOnlyList<string> HardeningOptions =
    [
        "--no-pager",
        "-c", "core.fsmonitor=",
        "-c", "core.hooksPath=/dev/null",
        "-c", "core.pager=cat",
        "-c", "core.untrackedCache=false",
        "-c", "diff.external=",
        "-c", "protocol.allow=never",
    ];

    /// <summary>The environment every query runs with.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> HardeningEnvironment =
    [
        new("GIT_CONFIG_NOSYSTEM", "1"),
        new("GIT_CONFIG_GLOBAL", "/dev/null"),
        new("GIT_CONFIG_COUNT", "0"),
        new("GIT_OPTIONAL_LOCKS", "0"),
        new("GIT_TERMINAL_PROMPT", "0"),
    ];

    /// <summary>Exit 0 inside a work tree.</summary>
    public static ShellCommand IsWorkTree(string directory) => Git(directory, "rev-parse", "--is-inside-work-tree");

    /// <summary>Exit 0 when <paramref name="path"/> is ignored, 1 when it is not.</summary>
    public static ShellCommand CheckIgnore(string directory, string path) => Git(directory, "check-ignore", "-q", "--no-index", "--", path);

    /// <summary>Tracked files, NUL-separated.</summary>
    public static ShellCommand TrackedFiles(string directory) => Git(directory, "ls-files", "-z");

    /// <summary>Untracked files that are not ignored, NUL-separated.</summary>
    public static ShellCommand UntrackedFiles(string directory) => Git(directory, "ls-files", "-z", "--others", "--exclude-standard");

    private static ShellCommand Git(string directory, params string[] arguments) =>
        ShellCommand.Of("git", [.. HardeningOptions, .. arguments]).WithEnvironment(HardeningEnvironment).InDirectory(directory);
}
