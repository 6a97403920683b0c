using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Quality;

/// <summary>Builders for the read-only git queries the quality checks need.</summary>
public static class GitQueries
{
    /// <summary>Exit 0 inside a work tree.</summary>
    public static ShellCommand IsWorkTree(string directory) =>
        ShellCommand.Of("git", "rev-parse", "--is-inside-work-tree").InDirectory(directory);

    /// <summary>Exit 0 when <paramref name="path"/> is ignored, 1 when it is not.</summary>
    public static ShellCommand CheckIgnore(string directory, string path) =>
        ShellCommand.Of("git", "check-ignore", "-q", "--no-index", "--", path).InDirectory(directory);

    /// <summary>Tracked files, NUL-separated.</summary>
    public static ShellCommand TrackedFiles(string directory) =>
        ShellCommand.Of("git", "ls-files", "-z").InDirectory(directory);

    /// <summary>Untracked files that are not ignored, NUL-separated.</summary>
    public static ShellCommand UntrackedFiles(string directory) =>
        ShellCommand.Of("git", "ls-files", "-z", "--others", "--exclude-standard").InDirectory(directory);
}
