using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
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
/// The seed's rollback, database-aware: downgrade to the exact revision the target release ran with (using the
/// newer code, which knows how), check out its code, bring its kept images back without building, start it,
/// and prove it healthy.
/// </summary>
public sealed class RollbackWorker(DeploySteps steps, EnvironmentConfig environment, MigrationsConfig? migrations)
{
    public async Task<HealthReport> RollbackAsync(
        ComposeCommands compose, RollbackTarget target, IReadOnlyList<string> repositories, DateTimeOffset logsSince, CancellationToken cancellationToken)
    {
        var runner = steps.Runner;
        if (migrations is not null)
        {
            await steps.RunAsync("rollback: database", async () =>
            {
                var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), steps.Time);
                await coordinator.EnsureDatabaseAsync(cancellationToken);
                var current = await coordinator.CurrentAsync(cancellationToken);
                if (current == target.Revision)
                {
                    return $"already at {current ?? "base"}";
                }

                await coordinator.DowngradeAsync(target.Revision, cancellationToken, steps.Observer.Output);
                return $"{current ?? "base"} → {target.Revision ?? "base"}";
            }, cancellationToken);
        }

        await steps.RunAsync("rollback: code", async () =>
        {
            await steps.CommandAsync(new GitCommands(environment.Path).Checkout(target.Commit), cancellationToken);
            return target.Version;
        }, cancellationToken);

        await steps.RunAsync("rollback: images", async () =>
        {
            var restored = repositories.Count > 0 && (await runner.RunAsync(ReleaseImages.Restore(repositories, target.Commit), cancellationToken)).Succeeded;
            if (restored)
            {
                return $"kept images of {target.Version} restored ({string.Join(", ", repositories)})";
            }

            await steps.CommandAsync(compose.Build(), cancellationToken, streamOutput: true);
            return $"no kept images of {target.Version}: rebuilt";
        }, cancellationToken);

        await steps.RunAsync("rollback: up", () => steps.CommandAsync(compose.Up(), cancellationToken, streamOutput: true), cancellationToken);

        return await steps.RunAsync("rollback: health", async () =>
        {
            var report = await steps.VerifyHealthAsync(compose, environment.Health, singlePass: false, logsSince, cancellationToken);
            return report.Healthy ? report : throw new HealthCheckFailedException(report);
        }, cancellationToken);
    }
}
