using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Fleet;

public sealed partial class FleetDeployWorker
{
    /// <summary>
    /// Every host that finished on the new release goes back to the release it served before. The first host goes
    /// last, with the database: until then every host runs code the migrated schema was made for.
    /// </summary>
    private async Task RollBackFleetAsync(FleetRun run, DeployRequest request, CancellationToken ct)
    {
        var switched = Enumerable.Range(0, run.Hosts.Count).Where(i => run.Lines[i]?.Outcome == DeployOutcome.Succeeded).ToList();
        await Parallel.ForEachAsync(switched.Where(i => i != 0),
            new ParallelOptions { MaxDegreeOfParallelism = request.Environment.Parallel, CancellationToken = ct },
            (i, token) => new ValueTask(RollBackHostAsync(run, request, i, token)));
        if (switched.Contains(0))
        {
            await RollBackHostAsync(run, request, 0, ct);
        }

        // The exit code first named the failing host's own failure (a build that failed is CommandFailed, an engine
        // that vanished too); once hosts that had switched are all back (rolled back here, or by themselves when the
        // fleet stopped them mid-deploy), the fleet's answer is RolledBack, as a one-server deploy's is. A cancel stays
        // Cancelled, a failed rollback RollbackFailed.
        if (run.ExitCode is not (ExitCodes.RollbackFailed or ExitCodes.Cancelled)
            && run.Lines.Any(l => l?.Outcome == DeployOutcome.RolledBack)
            && !run.Lines.Any(l => l?.Outcome is DeployOutcome.Succeeded))
        {
            run.ExitCode = ExitCodes.RolledBack;
        }
    }

    private async Task RollBackHostAsync(FleetRun run, DeployRequest request, int index, CancellationToken ct)
    {
        var line = run.Lines[index]!;
        var deployed = run.Records[index]!;
        var reason = run.FirstFailure >= 0 ? $"{run.Hosts[run.FirstFailure].Name} failed" : "the fleet deploy failed";
        if (deployed.PreviousCommit is not { } previous)
        {
            run.Lines[index] = line with { Outcome = DeployOutcome.Failed, Error = $"{reason}; first deploy: no previous release to roll back to" };
            run.ExitCode = ExitCodes.RollbackFailed;
            return;
        }

        var startedAt = time.GetUtcNow();
        DeployResult result;
        try
        {
            var runner = await run.ConnectAsync(index, connect, ct);
            var rollbackConfig = index == 0 ? config : config with { Migrations = null };
            result = await new RollbackOperation(rollbackConfig, runner, new HostHistory(history), run.ObserverFor(index), time)
                .RollbackAsync(request.Environment.OnHost(run.Hosts[index]), previous, request.StartedBy, request.TaskId, request.LockStaleAfter, ct);
        }
        catch (Exception error) when (error is DevOpsAgentException or OperationCanceledException)
        {
            run.Lines[index] = line with { Outcome = DeployOutcome.Failed, FailedStep = "fleet rollback", Error = $"{reason}; rolling back failed: {error.Message}" };
            run.ExitCode = ExitCodes.RollbackFailed;
            return;
        }

        run.Records[index] = deployed with { Steps = [.. deployed.Steps, .. result.Record.Steps.Select(s => s with { Name = $"fleet rollback: {s.Name}" })] };
        var duration = line.Duration + (time.GetUtcNow() - startedAt);
        if (result.ExitCode == ExitCodes.Success)
        {
            run.Lines[index] = line with
            {
                Outcome = DeployOutcome.RolledBack,
                Duration = duration,
                Error = $"{reason}: rolled back to {result.Record.Version}" + (index == 0 && config.Migrations is not null ? $" (database at {result.Record.RevisionAfter ?? "base"})" : ""),
            };
        }
        else
        {
            run.Lines[index] = line with
            {
                Outcome = DeployOutcome.Failed,
                Duration = duration,
                FailedStep = $"fleet rollback: {result.Record.Steps.LastOrDefault()?.Name}",
                Error = $"{reason}; rolling back failed: {result.Record.Error}",
            };
            run.ExitCode = ExitCodes.RollbackFailed;
        }
    }

    private DeployRecord Conclude(FleetRun run, DeployRequest request, DeployRecord record)
    {
        var primary = run.Records[0];
        var finishedAt = time.GetUtcNow();
        var lines = run.SettleLines();
        var outcome = !run.Failed ? (request.DryRun ? DeployOutcome.Planned : DeployOutcome.Succeeded)
            // Rolled back: some host had switched and every one is back (a host that failed before its switch changed nothing).
            : lines.Any(l => l.Outcome == DeployOutcome.RolledBack) && run.ExitCode != ExitCodes.RollbackFailed ? DeployOutcome.RolledBack
            : DeployOutcome.Failed;
        return record with
        {
            Commit = primary?.Commit,
            PreviousCommit = primary?.PreviousCommit,
            Version = primary?.Version,
            RevisionBefore = primary?.RevisionBefore,
            RevisionAfter = outcome == DeployOutcome.Succeeded ? primary?.RevisionAfter : primary?.RevisionBefore,
            Migrations = primary?.Migrations,
            Backup = primary?.Backup,
            Preflight = primary?.Preflight ?? [],
            PreflightOverride = primary?.PreflightOverride,
            Outcome = outcome,
            Error = run.Error,
            FinishedAt = finishedAt,
            Steps = [.. run.AllSteps(record.StartedAt)],
            HealthSummary = run.HealthSummary(),
        };
    }
}
