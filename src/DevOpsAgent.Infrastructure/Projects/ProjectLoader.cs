using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Infrastructure.Projects;

/// <summary>
/// Reads a project into a <see cref="ProjectSnapshot"/>: in a git work tree, the tracked and the untracked
/// but not ignored files (asking git, so .gitignore is honoured exactly); elsewhere, a directory walk that
/// skips the usual build and dependency folders. Binary and very large files are left out.
/// </summary>
public static class ProjectLoader
{
    private const long MaxFileBytes = 1024 * 1024;

    private static readonly HashSet<string> SkippedDirectories =
        [".git", "node_modules", "bin", "obj", ".venv", "venv", "__pycache__", "dist", ".mypy_cache", ".pytest_cache"];

    public static async Task<ProjectSnapshot> LoadAsync(string directory, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var root = ResolveRoot(directory);
        var git = await GitFactsAsync(root, runner, cancellationToken);
        IEnumerable<string> paths = git.IsRepository
            ? [.. git.Tracked, .. Split((await runner.RunAsync(GitQueries.UntrackedFiles(root), cancellationToken)).StandardOutput)]
            : Walk(root, root);
        var files = new List<ProjectFile>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (await ReadTextAsync(Path.Combine(root, path), cancellationToken) is { } content)
            {
                files.Add(new ProjectFile(path, content));
            }
        }

        return new ProjectSnapshot(files, git);
    }

    /// <summary>
    /// The project a directory belongs to: itself when it holds devops-agent.yml, a compose file or .git;
    /// else the nearest parent that holds devops-agent.yml or .git (check run from backend/app); else itself.
    /// A directory that does not exist is the user's mistake, said in one line.
    /// </summary>
    public static string ResolveRoot(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DevOpsAgent.Core.Errors.InvalidInputException($"{directory}: no such directory");
        }

        if (IsRoot(full) || Directory.EnumerateFiles(full, "*compose*.y*ml").Any(f => Core.Compose.ComposeFile.IsComposeFileName(f)))
        {
            return full;
        }

        for (var parent = Directory.GetParent(full); parent is not null; parent = parent.Parent)
        {
            if (IsRoot(parent.FullName))
            {
                return parent.FullName;
            }
        }

        return full;
    }

    private static bool IsRoot(string directory) =>
        File.Exists(Path.Combine(directory, "devops-agent.yml")) || Path.Exists(Path.Combine(directory, ".git"));

    public static async Task<GitFacts> GitFactsAsync(string root, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var inside = await runner.RunAsync(GitQueries.IsWorkTree(root), cancellationToken);
        if (!inside.Succeeded || !inside.StandardOutput.Trim().Equals("true", StringComparison.Ordinal))
        {
            return GitFacts.None;
        }

        var tracked = (await runner.RunAsync(GitQueries.TrackedFiles(root), cancellationToken)).EnsureSuccess();
        var ignored = await runner.RunAsync(GitQueries.CheckIgnore(root, ".env"), cancellationToken);
        return new GitFacts(true, Split(tracked.StandardOutput).ToHashSet(StringComparer.Ordinal), ignored.ExitCode == 0);
    }

    private static IEnumerable<string> Split(string nulSeparated) =>
        nulSeparated.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> Walk(string root, string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (!SkippedDirectories.Contains(Path.GetFileName(child)))
            {
                foreach (var file in Walk(root, child))
                {
                    yield return file;
                }
            }
        }
    }

    private static async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MaxFileBytes || info.LinkTarget is not null)
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        if (Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 8000)) >= 0)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
