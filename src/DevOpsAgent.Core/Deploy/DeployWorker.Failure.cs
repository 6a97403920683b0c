using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Deploy;

public sealed partial class DeployWorker
{
    /// <summary>
    /// The on-failure stage. Before the switch nothing serving was touched: the working tree and the
    /// <c>latest</c> images go back to the recorded release and the deploy fails. After it, the previous release is
    /// restored — code, database revision, verified kept images — and proven healthy. Either way the server is then
    /// at a known release and the journal goes; when the rollback fails it stays, for the next run to recover.
    /// </summary>
    private async Task<int> FailAsync(DeployRequest request, DeploySteps steps, DeployState state, DevOpsAgentException error, CancellationToken ct)
    {
        state.Health ??= (error as HealthCheckFailedException)?.Report;
        var previous = state.Record.PreviousCommit;
        var refused = error.ExitCode is ExitCodes.Refused or ExitCodes.Locked or ExitCodes.CheckFailed;
        state.Record = state.Record with { Outcome = refused ? DeployOutcome.Refused : DeployOutcome.Failed, Error = error.Message };
        if (state.Operation is not { } operation)
        {
            return error.ExitCode;
        }

        try
        {
            if (!state.Switched)
            {
                await UndoPrepareAsync(request, steps, state, previous, ct);
                return error.ExitCode;
            }

            if (previous is null || request.DryRun)
            {
                state.Record = state.Record with { Error = $"{error.Message} (first deploy: no previous release to roll back to)" };
                await operation.ConcludeAsync(ct);
                return error.ExitCode;
            }
        }
        catch (ConnectionFailedException lost)
        {
            return LostConnection(request, steps, state, lost);
        }

        var serving = operation.Serving;
        var version = serving?.Commit == previous ? serving.Version : ShortCommit(previous);
        if (state.Slots is { Legacy: null } slots)
        {
            return await FailSwitchedSlotsAsync(request, steps, state, slots, operation, error, version, ct);
        }

        if (state.Slots is { Legacy: { } legacy } retired)
        {
            // The single project comes back as it was, on its own volumes, once nothing else mounts them.
            await UndoLegacyRetirementAsync(steps, retired, ct);
            state.Compose = legacy;
        }

        var target = new RollbackTarget(previous, version, serving?.Commit == previous ? serving.Revision ?? state.Record.RevisionBefore : state.Record.RevisionBefore);
        try
        {
            observer.StepStarted($"automatic rollback to {version}");
            // The failed release's errors are in the logs already; the restored release is judged on its own lines.
            await new RollbackWorker(steps, request.Environment, config.Migrations)
                .RollbackAsync(state.Compose!, target, operation.Journal.InvolvedCommits, time.GetUtcNow(), ct);
            await operation.ConcludeAsync(ct);
            state.Record = state.Record with
            {
                Outcome = DeployOutcome.RolledBack,
                Error = $"{error.Message}; rolled back to {version}" + (config.Migrations is null ? "" : $" (database at {target.Revision ?? "base"})"),
                RevisionAfter = target.Revision,
            };
            return ExitCodes.RolledBack;
        }
        catch (Exception rollbackError) when (rollbackError is DevOpsAgentException or OperationCanceledException)
        {
            var why = rollbackError is OperationCanceledException ? "the grace for undoing a cancelled deploy ran out" : rollbackError.Message;
            var where = rollbackError is ConnectionFailedException ? "The connection is lost, so the server's state is unknown." : await DescribeServerAsync(request, state);
            state.Record = state.Record with
            {
                Error = $"{error.Message}; ROLLBACK to {version} FAILED: {why}. {where} The server records the interrupted deploy; "
                    + $"fix the cause, then run `devops-agent rollback {request.Environment.Name}` (it recovers to {version})"
                    + (state.Record.Backup is null ? "." : $", or restore {state.Record.Backup}."),
            };
            return ExitCodes.RollbackFailed;
        }
    }

    /// <summary>The on-failure stage of a zero-downtime deploy after its switch began.</summary>
    private async Task<int> FailSwitchedSlotsAsync(DeployRequest request, DeploySteps steps, DeployState state, SlotStack slots, Operations.ServerOperation operation,
        DevOpsAgentException error, string version, CancellationToken ct)
    {
        try
        {
            observer.StepStarted($"automatic rollback to {version} ({slots.Live ?? "no"} slot)");
            var how = await FailSlotsAsync(request, steps, state, slots, ct);
            await operation.ConcludeAsync(ct);
            state.Record = state.Record with
            {
                Outcome = DeployOutcome.RolledBack,
                Error = $"{error.Message}; rolled back to {version}: {how}" + (config.Migrations is null ? "" : $" (database at {state.Record.RevisionBefore ?? "base"})"),
                RevisionAfter = state.Record.RevisionBefore,
            };
            return ExitCodes.RolledBack;
        }
        catch (Exception rollbackError) when (rollbackError is DevOpsAgentException or OperationCanceledException)
        {
            var why = rollbackError is OperationCanceledException ? "the grace for undoing a cancelled deploy ran out" : rollbackError.Message;
            state.Record = state.Record with
            {
                Error = $"{error.Message}; ROLLBACK to {version} FAILED: {why}. The server records the interrupted deploy; "
                    + $"fix the cause, then run `devops-agent rollback {request.Environment.Name}`" + (state.Record.Backup is null ? "." : $", or restore {state.Record.Backup}."),
            };
            return ExitCodes.RollbackFailed;
        }
    }

    /// <summary>Puts back what prepare changed: the checkout and the images tagged <c>latest</c>.</summary>
    private async Task UndoPrepareAsync(DeployRequest request, DeploySteps steps, DeployState state, string? previous, CancellationToken ct)
    {
        if (previous is not null && (state.CheckedOut || state.Built))
        {
            await runner.RunAsync(new GitCommands(request.Environment.Path).Checkout(previous), ct);
            if (state.Built)
            {
                // A later compose command (a restart) must not start the build that never served.
                await runner.RunAsync(ReleaseImages.Restore(request.Environment.Path, previous), ct);
            }
        }

        if (state.Operation!.Journal is not { Switched: true })
        {
            await state.Operation.ConcludeAsync(ct);
        }
    }

    /// <summary>
    /// The connection to the server is gone: nothing more can be done on it, not even a rollback. The server keeps
    /// the journal (and the lock, until it goes stale), so the next deploy or rollback knows and recovers.
    /// </summary>
    private int LostConnection(DeployRequest request, DeploySteps steps, DeployState state, ConnectionFailedException error)
    {
        var switched = state.Switched ? "after it began changing what serves" : "before it changed what serves";
        state.Record = state.Record with
        {
            Outcome = DeployOutcome.Failed,
            Error = $"{error.Message}. The deploy stopped at step {Current(steps)}, {switched}; the server records it as interrupted, and the next "
                + $"`devops-agent deploy {request.Environment.Name}` or `rollback {request.Environment.Name}` recovers it"
                + (state.Operation is null ? "." : $" (the lock frees itself {(long)request.LockStaleAfter.TotalSeconds}s after the last heartbeat)."),
        };
        return ExitCodes.ConnectionFailed;
    }

    /// <summary>The server's state in one sentence, for when a rollback failed: code, database, containers.</summary>
    private async Task<string> DescribeServerAsync(DeployRequest request, DeployState state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        try
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

            return $"The server now has code at {ShortCommit(code)}, the database at revision {database}, and: {status.Summary}.";
        }
        catch (Exception e) when (e is DevOpsAgentException or OperationCanceledException)
        {
            return "The server's state could not be read.";
        }
    }
}
