using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Git;

/// <summary>Git commands for the application checkout on a server. Pure: builds, never runs.</summary>
public sealed record GitCommands(string AppPath)
{
    private ShellCommand Git(params string[] arguments) => ShellCommand.Of("git", ["-C", AppPath, .. arguments]);

    /// <summary>
    /// Makes the app folder a checkout of <paramref name="repository"/>. Works in a folder that already holds
    /// files the operator put there (.env), where <c>git clone</c> would refuse.
    /// </summary>
    public ShellCommand EnsureRepository(string repository) =>
        ShellCommand.Of("mkdir", "-p", AppPath)
            .And(ShellCommand.Of("test", "-d", $"{AppPath}/.git").Or(Git("init", "-q")))
            .And(Git("remote", "set-url", "origin", repository).Or(Git("remote", "add", "origin", repository)));

    public ShellCommand Fetch() => Git("fetch", "--quiet", "--prune", "--tags", "--force", "origin");

    /// <summary>Resolves a branch (from origin), tag or commit to a full commit id.</summary>
    public ShellCommand Resolve(GitRef gitRef) =>
        Git("rev-parse", "--verify", "--quiet", $"refs/remotes/origin/{gitRef.Name}^{{commit}}")
            .Or(Git("rev-parse", "--verify", "--quiet", $"refs/tags/{gitRef.Name}^{{commit}}"))
            .Or(Git("rev-parse", "--verify", "--quiet", $"{gitRef.Name}^{{commit}}"));

    /// <summary>The commit the working tree holds now; fails in a folder that was never deployed.</summary>
    public ShellCommand CurrentCommit() => Git("rev-parse", "--verify", "--quiet", "HEAD");

    /// <summary>Checks out one exact commit, discarding local edits to tracked files (untracked .env stays).</summary>
    public ShellCommand Checkout(string commit) => Git("checkout", "--quiet", "--force", "--detach", commit);

    /// <summary>The tag pointing at HEAD, if any (release name for history).</summary>
    public ShellCommand DescribeTag() => Git("describe", "--tags", "--exact-match", "HEAD");
}
