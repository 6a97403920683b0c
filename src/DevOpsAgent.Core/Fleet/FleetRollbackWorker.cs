using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Operations;

namespace DevOpsAgent.Core.Fleet;

/// <summary>
/// `rollback` of an environment with several hosts (<c>hosts:</c>): every host goes back to the same release, the one
/// the first host names (its previous one, or <c>--to</c>), each through the one-server <see cref="RollbackOperation"/>.
/// <list type="bullet">
/// <item>Under the fleet's lock on the first host (<see cref="FleetDeployWorker.FleetLockPath"/>), as a fleet deploy.</item>
/// <item>The other hosts first, at most <c>parallel:</c> at a time and without touching the database; the first host
/// last, with the database's downgrade: no host runs code older than the schema, none newer once it is downgraded.</item>
/// <item>When another host fails, the first host and the database stay on the newer release (which the hosts not yet
/// back still run), and the answer is RollbackFailed. A host already serving the release is re-checked, not changed,
/// so running the same rollback again finishes what one stopped.</item>
/// </list>
/// History keeps one record for the fleet, with every host's steps prefixed with the host and a line per host.
/// </summary>
public sealed class FleetRollbackWorker(
    AgentConfig config, Func<HostConfig, CancellationToken, Task<ICommandRunner>> connect, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    public async Task<FleetDeployResult> RollbackAsync(
        EnvironmentConfig environment, string? to, string startedBy, string? taskId, TimeSpan lockStaleAfter, CancellationToken cancellationToken)
    {
        var run = new FleetRun(environment.AllHosts, observer);
        var startedAt = time.GetUtcNow();
        var record = new DeployRecord
        {
            Id = OperationId.New(startedAt, environment.Name, "rollback"),
            Action = "rollback",
            Environment = environment.Name,
            Ref = to ?? "previous",
            StartedBy = startedBy,
            TaskId = taskId,
            StartedAt = startedAt,
        };
        await history.SaveAsync(record, cancellationToken);

        DeployLease? lease = null;
        var refused = false;
        try
        {
            var primary = await run.ConnectAsync(0, connect, cancellationToken);
            lease = await run.StepAsync(primary, "fleet lock", () => DeployLock.AcquireAsync(primary, FleetDeployWorker.FleetLockPath(environment.Path), new LockInfo
            {
                DeployId = record.Id,
                Environment = environment.Name,
                Holder = startedBy,
                TaskId = taskId,
                Target = $"rollback {to ?? "previous"} on {run.Hosts.Count} hosts",
                StartedAt = startedAt,
            }, TimeSpan.Zero, lockStaleAfter, cancellationToken), time, cancellationToken);

            var target = await run.StepAsync(primary, "choose release", async () =>
            {
                var (current, candidates) = await RollbackOperation.CandidatesAsync(primary, environment.OnHost(run.Hosts[0]), cancellationToken);
                return to is not null && current is not null && RollbackOperation.Matches(current, to)
                    ? current
                    : RollbackOperation.Choose(candidates, to, environment.Name);
            }, time, cancellationToken);
            record = record with { Ref = target.Ref, Commit = target.Commit, Version = target.Version, RevisionAfter = target.Revision };
            await history.SaveAsync(record, cancellationToken);

            await Parallel.ForEachAsync(Enumerable.Range(1, run.Hosts.Count - 1),
                new ParallelOptions { MaxDegreeOfParallelism = environment.Parallel, CancellationToken = cancellationToken },
                (i, token) => new ValueTask(RollBackHostAsync(run, environment, target, i, startedBy, taskId, lockStaleAfter, token)));
            if (run.Failed)
            {
                // The first host (and the database) stay where they are: the hosts that are not back still run the newer code.
                run.Lines[0] = new HostDeployLine(run.Hosts[0], DeployOutcome.Running, TimeSpan.Zero, null,
                    $"not rolled back: {run.Hosts[run.FirstFailure].Name} did not get back to {target.Version}, so the database stays at the newer release's revision");
            }
            else
            {
                await RollBackHostAsync(run, environment, target, 0, startedBy, taskId, lockStaleAfter, cancellationToken);
            }
        }
        catch (DevOpsAgentException error) when (error is DeployLockedException or InvalidInputException)
        {
            refused = true;
            run.Fail(-1, error.ExitCode, error.Message);
        }
        catch (DevOpsAgentException error)
        {
            run.Fail(-1, error.ExitCode, error.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Fail(-1, ExitCodes.Cancelled, "cancelled");
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            await run.DisposeAsync();
            record = Conclude(run, record, refused);
            await history.SaveAsync(record, CancellationToken.None);
        }

        return new FleetDeployResult(record, [.. run.Lines.OfType<HostDeployLine>()], run.ExitCode);
    }

    private async Task RollBackHostAsync(
        FleetRun run, EnvironmentConfig environment, ServerRelease target, int index, string startedBy, string? taskId, TimeSpan lockStaleAfter, CancellationToken ct)
    {
        var host = run.Hosts[index];
        var startedAt = time.GetUtcNow();
        try
        {
            var runner = await run.ConnectAsync(index, connect, ct);
            // Only the first host's rollback moves the database.
            var hostConfig = index == 0 ? config : config with { Migrations = null };
            var result = await new RollbackOperation(hostConfig, runner, new HostHistory(history), run.ObserverFor(index), time)
                .RollbackAsync(environment.OnHost(host), target.Commit, startedBy, taskId, lockStaleAfter, ct);
            run.Records[index] = result.Record;
            var succeeded = result.ExitCode == ExitCodes.Success;
            run.Lines[index] = new HostDeployLine(host, succeeded ? DeployOutcome.Succeeded : DeployOutcome.Failed, time.GetUtcNow() - startedAt,
                succeeded ? null : result.Record.Steps.LastOrDefault(s => s.Outcome == StepOutcome.Failed)?.Name ?? result.Record.Steps.LastOrDefault()?.Name,
                succeeded ? null : result.Record.Error)
            { Migrated = index == 0 && config.Migrations is not null && succeeded };
            if (!succeeded)
            {
                run.Fail(index, result.ExitCode, result.Record.Error ?? "failed");
            }
        }
        catch (DevOpsAgentException error)
        {
            // Refused before it changed anything (locked, the release not recorded on this host), or not reachable.
            run.Lines[index] = new HostDeployLine(host, DeployOutcome.Failed, time.GetUtcNow() - startedAt, "rollback", error.Message);
            run.Fail(index, error.ExitCode, error.Message);
        }
    }

    private DeployRecord Conclude(FleetRun run, DeployRecord record, bool refused)
    {
        var finishedAt = time.GetUtcNow();
        var lines = run.SettleLines();

        // A host that changed and did not get back leaves the fleet half-way: the same as a one-server rollback that failed.
        if (run.Failed && run.ExitCode is not (ExitCodes.Cancelled or ExitCodes.RollbackFailed) && !refused)
        {
            run.ExitCode = ExitCodes.RollbackFailed;
        }

        var primary = run.Records[0];
        return record with
        {
            PreviousCommit = primary?.PreviousCommit ?? record.PreviousCommit,
            RevisionBefore = primary?.RevisionBefore,
            RevisionAfter = run.Failed ? primary?.RevisionBefore ?? record.RevisionAfter : primary?.RevisionAfter ?? record.RevisionAfter,
            Outcome = refused ? DeployOutcome.Refused : run.Failed ? DeployOutcome.Failed : DeployOutcome.Succeeded,
            Error = run.Error is { } error
                ? $"{error}" + (refused || run.ExitCode == ExitCodes.Cancelled && lines.All(l => l.Outcome == DeployOutcome.Running) ? ""
                    : $". Fix the cause, then run `devops-agent rollback {record.Environment} --to {record.Version}` again: hosts already back are re-checked, not changed")
                : null,
            FinishedAt = finishedAt,
            Steps = [.. run.AllSteps(record.StartedAt)],
            HealthSummary = run.HealthSummary(),
        };
    }
}
