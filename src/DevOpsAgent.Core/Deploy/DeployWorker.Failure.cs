using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Deploy;

public sealed partial class DeployWorker
{
    /// <summary>
    /// Before the switch nothing serving was touched: the working tree goes back and the deploy fails. After it,
    /// the previous release is restored — code, database revision, images — and proven healthy.
    /// </summary>
    private async Task<int> FailAsync(DeployRequest request, DeploySteps steps, DeployState state, DevOpsAgentException error, CancellationToken ct)
    {
        state.Health ??= (error as HealthCheckFailedException)?.Report;
        var previous = state.Record.PreviousCommit;
        var refused = error.ExitCode is ExitCodes.Refused or ExitCodes.Locked or ExitCodes.CheckFailed;
        state.Record = state.Record with { Outcome = refused ? DeployOutcome.Refused : DeployOutcome.Failed, Error = error.Message };

        if (!state.Switched)
        {
            if (state.CheckedOut && previous is not null)
            {
                // Nothing running was touched; the working tree goes back to match what serves.
                await runner.RunAsync(new GitCommands(request.Environment.Path).Checkout(previous), CancellationToken.None);
            }

            return error.ExitCode;
        }

        if (previous is null || request.DryRun)
        {
            state.Record = state.Record with { Error = $"{error.Message} (first deploy: no previous release to roll back to)" };
            return error.ExitCode;
        }

        var version = state.Serving?.Commit == previous ? state.Serving.Version : ShortCommit(previous);
        var target = new RollbackTarget(previous, version, state.Record.RevisionBefore);
        try
        {
            observer.StepStarted($"automatic rollback to {version}");
            // The failed release's errors are in the logs already; the restored release is judged on its own lines.
            await new RollbackWorker(steps, request.Environment, config.Migrations)
                .RollbackAsync(state.Compose!, target, state.Repositories, time.GetUtcNow(), ct);
            state.Record = state.Record with
            {
                Outcome = DeployOutcome.RolledBack,
                Error = $"{error.Message}; rolled back to {version}" + (config.Migrations is null ? "" : $" (database at {target.Revision ?? "base"})"),
                RevisionAfter = target.Revision,
            };
            return ExitCodes.RolledBack;
        }
        catch (DevOpsAgentException rollbackError)
        {
            var where = await DescribeServerAsync(request, state, CancellationToken.None);
            state.Record = state.Record with
            {
                Error = $"{error.Message}; ROLLBACK to {version} FAILED: {rollbackError.Message}. {where} "
                    + $"Fix the cause, then run `devops-agent rollback {request.Environment.Name} --to {version}`"
                    + (state.Record.Backup is null ? "." : $" or restore {state.Record.Backup}."),
            };
            return ExitCodes.RollbackFailed;
        }
    }

    /// <summary>The server's state in one sentence, for when a rollback failed: code, database, containers.</summary>
    private async Task<string> DescribeServerAsync(DeployRequest request, DeployState state, CancellationToken ct)
    {
        var code = (await runner.RunAsync(new GitCommands(request.Environment.Path).CurrentCommit(), ct)).StandardOutput.Trim();
        var status = await Status.EnvironmentStatus.ReadAsync(runner, request.Environment, ct);
        string database = "unknown";
        if (config.Migrations is { } migrations)
        {
            try
            {
                database = await new Migrations.MigrationCoordinator(runner, new Migrations.AlembicCommands(state.Compose!, migrations), time).CurrentAsync(ct) ?? "base";
            }
            catch (DevOpsAgentException)
            {
                database = "unreadable";
            }
        }

        return $"The server now has code at {ShortCommit(code)}, the database at revision {database}, and: {status.Summary}";
    }
}
