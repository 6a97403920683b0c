using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Releases;

/// <summary>The releases an environment's server records: the live one, and every one it served, newest first.</summary>
public sealed record ServedReleases(ServerRelease? Live, IReadOnlyList<ServerRelease> Releases)
{
    /// <summary>The release served before the live one (the one a rollback would go back to).</summary>
    public ServerRelease? Previous => Releases.FirstOrDefault(r => r.Commit != Live?.Commit);

    public ServerRelease? ByCommit(string commit) => Releases.FirstOrDefault(r => r.Commit == commit);
}

/// <summary>
/// Reads a <see cref="ReleaseDiff"/> over one connection to the environment's server, running only the read-only
/// commands of <see cref="ReleaseDiffCommands"/> (no fetch, no checkout, no lock): the diff is between commits the
/// server's checkout already has, which every release it served is.
/// </summary>
public static class ReleaseDiffReader
{
    public static async Task<ServedReleases> ReleasesAsync(ICommandRunner runner, EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        var (live, earlier) = await RollbackOperation.CandidatesAsync(runner, environment, cancellationToken);
        return new ServedReleases(live, live is null ? earlier : [live, .. earlier]);
    }

    /// <param name="runner">A connection to the environment's server.</param>
    /// <param name="environment">The environment; its compose files are the ones compared.</param>
    /// <param name="migrationsFolder">The alembic versions folder (devops-agent.yml <c>migrations.versions</c>); null without migrations.</param>
    /// <param name="served">What <see cref="ReleasesAsync"/> read.</param>
    /// <param name="from">Default: the live release when <paramref name="to"/> names another, else the release before the live one.</param>
    /// <param name="to">Default: the live release.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async Task<ReleaseDiff> ReadAsync(ICommandRunner runner, EnvironmentConfig environment, string? migrationsFolder,
        ServedReleases served, GitRef? from, GitRef? to, CancellationToken cancellationToken)
    {
        var git = new ReleaseDiffCommands(environment.Path);
        var live = served.Live ?? (from is null || to is null
            ? throw new InvalidInputException($"{environment.Name} has no release recorded on the server (never deployed by devops-agent): name both --from and --to.")
            : null);
        var toPoint = to is null ? Point(live!) : await ResolveAsync(runner, git, environment, to, served, cancellationToken);
        ReleasePoint fromPoint;
        if (from is not null)
        {
            fromPoint = await ResolveAsync(runner, git, environment, from, served, cancellationToken);
        }
        else if (live!.Commit != toPoint.Commit)
        {
            fromPoint = Point(live);
        }
        else
        {
            fromPoint = Point(served.Previous
                ?? throw new InvalidInputException($"{environment.Name} has no release before {live.Version} recorded on the server: name one with --from."));
        }

        var forward = CommitInfo.ParseLog(await OutputAsync(runner, git.Commits(fromPoint.Commit, toPoint.Commit), cancellationToken));
        var backward = CommitInfo.ParseLog(await OutputAsync(runner, git.Commits(toPoint.Commit, fromPoint.Commit), cancellationToken));
        var folder = migrationsFolder is null ? null : Normalize(migrationsFolder).TrimEnd('/');
        var composeFiles = environment.ComposeFiles.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var changes = FileChange.ParseNameStatus(await OutputAsync(
            runner, git.Changes(fromPoint.Commit, toPoint.Commit, folder, environment.ComposeFiles), cancellationToken));

        return new ReleaseDiff
        {
            Environment = environment.Name,
            From = fromPoint,
            To = toPoint,
            Commits = [.. forward.Take(ReleaseDiffCommands.MaxCommits)],
            CommitsOnlyInFrom = [.. backward.Take(ReleaseDiffCommands.MaxCommits)],
            CommitsTruncated = forward.Count > ReleaseDiffCommands.MaxCommits || backward.Count > ReleaseDiffCommands.MaxCommits,
            MigrationsFolder = folder,
            Migrations = [.. changes.Where(c => folder is not null && c.Path.StartsWith(folder + "/", StringComparison.Ordinal))],
            ComposeFiles = [.. changes.Where(c => composeFiles.Contains(c.Path))],
            EnvKeys = await EnvKeysAsync(runner, git, changes.FirstOrDefault(c => c.Path == ReleaseDiffCommands.EnvExample), fromPoint, toPoint, cancellationToken),
        };
    }

    private static async Task<EnvKeyChanges> EnvKeysAsync(
        ICommandRunner runner, ReleaseDiffCommands git, FileChange? change, ReleasePoint from, ReleasePoint to, CancellationToken cancellationToken)
    {
        if (change is null)
        {
            return EnvKeyChanges.None;
        }

        var fromName = $"{from.Label}:{ReleaseDiffCommands.EnvExample}";
        var toName = $"{to.Label}:{ReleaseDiffCommands.EnvExample}";
        string? before = null, after = null;
        if ((change.Change != FileChangeKind.Added && (before = await ShowAsync(from)) is null)
            || (change.Change != FileChangeKind.Removed && (after = await ShowAsync(to)) is null))
        {
            return EnvKeyChanges.None with { Problem = $"git could not show {ReleaseDiffCommands.EnvExample} of {from.Label} or {to.Label} on {runner.Target}" };
        }

        try
        {
            return EnvKeyChanges.Between(before, fromName, after, toName);
        }
        catch (DotenvException error)
        {
            // The parser's message names the file, line and reason, never the value.
            return EnvKeyChanges.None with { Problem = error.Message };
        }

        // Never EnsureSuccess here: a failure's message quotes the command's output, which would be the file itself.
        async Task<string?> ShowAsync(ReleasePoint point)
        {
            var shown = await runner.RunAsync(git.ShowEnvExample(point.Commit), cancellationToken);
            return shown.Succeeded ? shown.StandardOutput : null;
        }
    }

    private static async Task<ReleasePoint> ResolveAsync(
        ICommandRunner runner, ReleaseDiffCommands git, EnvironmentConfig environment, GitRef gitRef, ServedReleases served, CancellationToken cancellationToken)
    {
        // A release the server recorded is found by its version, ref or commit prefix, as `rollback --to` finds it.
        var recorded = served.Releases.Where(r => r.Version == gitRef.Name || r.Ref == gitRef.Name
            || (gitRef.Name.Length >= 7 && r.Commit.StartsWith(gitRef.Name, StringComparison.Ordinal))).DistinctBy(r => r.Commit).ToList();
        if (recorded.Count == 1)
        {
            return new ReleasePoint(gitRef.Name, recorded[0].Commit, recorded[0].Version);
        }

        // Not recorded, or several releases share the name (a branch deployed more than once): git decides, as a deploy would.
        var resolved = (await runner.RunAsync(git.Resolve(gitRef), cancellationToken)).StandardOutput.Trim();
        if (!ReleaseDiffCommands.IsCommitId(resolved))
        {
            throw new InvalidInputException(
                $"'{gitRef.Name}' is neither a release recorded on {environment.Name} nor a branch, tag or commit its checkout has (it has what the last deploy fetched).");
        }

        return new ReleasePoint(gitRef.Name, resolved, served.ByCommit(resolved)?.Version);
    }

    private static ReleasePoint Point(ServerRelease release) => new(release.Version, release.Commit, release.Version);

    private static async Task<string> OutputAsync(ICommandRunner runner, Shell.ShellCommand command, CancellationToken cancellationToken) =>
        (await runner.RunAsync(command, cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;

    private static string Normalize(string path) => path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
}
