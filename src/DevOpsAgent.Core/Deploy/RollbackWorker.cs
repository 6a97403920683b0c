using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Deploy;

/// <summary>A release to go back to: its code, and the database revision it ran with.</summary>
public sealed record RollbackTarget(string Commit, string Version, string? Revision);

/// <summary>The rollback itself failed: says what state the server is in and how to recover.</summary>
public sealed class RollbackFailedException(string message, Exception inner)
    : DevOpsAgentException(message, ExitCodes.RollbackFailed, inner);

/// <summary>
/// The seed's rollback, database-aware: moves the database to the exact revision the target release ran with,
/// checks out its code, brings back its kept images (verified against the ids their build recorded) or rebuilds
/// them from its code, starts it, and proves it healthy. It starts from whatever state the server is in, so it is
/// also how an interrupted operation is recovered.
/// </summary>
public sealed class RollbackWorker(DeploySteps steps, EnvironmentConfig environment, MigrationsConfig? migrations, string stepPrefix = "rollback")
{
    /// <param name="compose">The stack's compose commands.</param>
    /// <param name="target">Where to go.</param>
    /// <param name="migrationsFrom">
    /// Releases whose kept images may know the database's current revision (the ones the server was moving
    /// between), tried after the images tagged <c>latest</c> when those do not know both revisions.
    /// </param>
    /// <param name="logsSince">Log lines before this are not the restored release's.</param>
    /// <param name="cancellationToken">Cancels the rollback.</param>
    public async Task<HealthReport> RollbackAsync(
        ComposeCommands compose, RollbackTarget target, IReadOnlyList<string> migrationsFrom, DateTimeOffset logsSince, CancellationToken cancellationToken)
    {
        var runner = steps.Runner;
        if (migrations is not null)
        {
            await steps.RunAsync($"{stepPrefix}: database", () => MoveDatabaseAsync(compose, target, migrationsFrom, cancellationToken), cancellationToken);
        }

        await steps.RunAsync($"{stepPrefix}: code", async () =>
        {
            await steps.CommandAsync(new GitCommands(environment.Path).Checkout(target.Commit), cancellationToken);
            return target.Version;
        }, cancellationToken);

        await steps.RunAsync($"{stepPrefix}: images", async () =>
        {
            var restored = await runner.RunAsync(ReleaseImages.Restore(environment.Path, target.Commit), cancellationToken);
            if (restored.Succeeded)
            {
                return $"kept images of {target.Version} verified and restored ({string.Join(", ", Lines(restored.StandardOutput))})";
            }

            if (restored.ExitCode is not (ReleaseImages.NoneKeptExitCode or ReleaseImages.MismatchExitCode))
            {
                restored.EnsureSuccess(runner.Target);
            }

            // Nothing trustworthy kept: the images are built again from the release's own code, checked out above.
            await steps.CommandAsync(ReleaseImages.Forget(environment.Path, target.Commit), cancellationToken);
            await steps.CommandAsync(compose.Build(), cancellationToken, streamOutput: true);
            await steps.CommandAsync(ReleaseImages.KeepBuilt(compose, target.Commit), cancellationToken);
            return $"{restored.StandardError.Trim()}: rebuilt {target.Version} from its code";
        }, cancellationToken);

        await steps.RunAsync($"{stepPrefix}: up", () => steps.CommandAsync(compose.Up(), cancellationToken, streamOutput: true), cancellationToken);

        return await steps.RunAsync($"{stepPrefix}: health", async () =>
        {
            var report = await steps.VerifyHealthAsync(compose, environment.Health, singlePass: false, logsSince, cancellationToken);
            return report.Healthy ? report : throw new HealthCheckFailedException(report);
        }, cancellationToken);
    }

    /// <summary>
    /// alembic runs from an image, so moving the database needs an image whose migrations know both the database's
    /// revision and the target's: the newer of the two releases. The images tagged <c>latest</c> are tried first
    /// (after a failed deploy: the new release's), then the kept images of <paramref name="candidates"/>.
    /// </summary>
    private async Task<string> MoveDatabaseAsync(ComposeCommands compose, RollbackTarget target, IReadOnlyList<string> candidates, CancellationToken ct)
    {
        var runner = steps.Runner;
        var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations!), steps.Time);
        await coordinator.EnsureDatabaseAsync(ct);
        var tried = new List<string>();
        foreach (var candidate in new string?[] { null }.Concat(candidates.Append(target.Commit).Distinct()))
        {
            var with = candidate is null ? "the current images" : $"the kept images of {DeployWorker.ShortCommit(candidate)}";
            if (candidate is not null && !(await runner.RunAsync(ReleaseImages.Restore(environment.Path, candidate), ct)).Succeeded)
            {
                continue;
            }

            string? current;
            IReadOnlyList<MigrationRevision> graph;
            try
            {
                current = await coordinator.CurrentAsync(ct);
                graph = await coordinator.GraphAsync(ct);
            }
            catch (CommandFailedException)
            {
                tried.Add($"{with} do not know the database's revision");
                continue;
            }

            if (current == target.Revision)
            {
                return $"already at {current ?? "base"}";
            }

            if (target.Revision is not null && graph.All(r => r.Id != target.Revision))
            {
                tried.Add($"{with} do not know revision {target.Revision}");
                continue;
            }

            if (target.Revision is not null && IsAncestor(current, target.Revision, graph))
            {
                await coordinator.UpgradeToAsync(target.Revision, ct, steps.Observer.Output);
            }
            else
            {
                await coordinator.DowngradeAsync(target.Revision, ct, steps.Observer.Output);
            }

            return $"{current ?? "base"} → {target.Revision ?? "base"}" + (candidate is null ? "" : $" (with the migrations of {with})");
        }

        throw new DevOpsAgentException(
            $"no image at hand can move the database to revision {target.Revision ?? "base"}: {string.Join("; ", tried)}", ExitCodes.CommandFailed);
    }

    private static bool IsAncestor(string? revision, string of, IReadOnlyList<MigrationRevision> graph)
    {
        try
        {
            return AlembicOutput.Between(revision, of, graph).Count > 0;
        }
        catch (DevOpsAgentException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
