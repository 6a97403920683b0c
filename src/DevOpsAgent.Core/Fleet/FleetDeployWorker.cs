using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Operations;

namespace DevOpsAgent.Core.Fleet;

/// <summary>
/// A deploy to every host of an environment (<c>hosts:</c>), each host through the one-server
/// <see cref="DeployWorker"/> on its own runner.
/// <list type="bullet">
/// <item>The first host is the canary (unless <c>canary: false</c>): the others, at most <c>parallel:</c> at a time,
/// fetch, check out and pull while it deploys, and change nothing they serve (no <c>up</c>) until it is healthy.</item>
/// <item>The database is migrated once, by the first host (the one with role <c>db</c>, which config puts first);
/// the others deploy with <see cref="DeployRequest.RunMigrations"/> false.</item>
/// <item>The environment's lock is a fleet lock on the first host, in its own folder
/// (<see cref="FleetLockPath"/>), held for the whole operation. Each host's deploy still takes its own host's
/// lock, which guards that host's journal and recovery; being a different lock, the primary's own deploy never
/// waits for the fleet's.</item>
/// <item>When a host fails (it rolls itself back), the hosts still deploying are cancelled (they roll themselves
/// back), and every host that had finished on the new release is rolled back to its previous one: the others
/// first, the first host last, so the database is downgraded once and only when no host runs the new code.</item>
/// </list>
/// History keeps one record for the fleet: the first host's release and database fields, every host's steps
/// prefixed with the host, and a step per host that says how it ended.
/// </summary>
public sealed partial class FleetDeployWorker(
    AgentConfig config, Func<HostConfig, CancellationToken, Task<ICommandRunner>> connect, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    /// <summary>The app folder whose <c>.devops-agent/lock</c> is the fleet's lock, on the first host.</summary>
    public static string FleetLockPath(string appPath) => $"{DeployLockCommands.FolderOf(appPath)}/fleet";

    public async Task<FleetDeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var environment = request.Environment;
        var run = new FleetRun(environment.AllHosts, observer)
        {
            Images = environment is { Registry: not null, Swarm: null } ? new ImageExchange() : null,
        };
        var startedAt = time.GetUtcNow();
        var record = new DeployRecord
        {
            Id = OperationId.New(startedAt, environment.Name, "deploy"),
            Environment = environment.Name,
            Ref = request.Ref.Name,
            StartedBy = request.StartedBy,
            TaskId = request.TaskId,
            QaApprovedBy = request.QaApprovedBy,
            StartedAt = startedAt,
        };
        await history.SaveAsync(record, cancellationToken);

        DeployLease? lease = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var primary = await run.ConnectAsync(0, connect, cancellationToken);
            lease = await run.StepAsync(primary, "fleet lock", () => DeployLock.AcquireAsync(primary, FleetLockPath(environment.Path), new LockInfo
            {
                DeployId = record.Id,
                Environment = environment.Name,
                Holder = request.StartedBy,
                TaskId = request.TaskId,
                Target = $"{request.Ref.Name} on {run.Hosts.Count} hosts",
                StartedAt = startedAt,
            }, request.LockWait, request.LockStaleAfter, cancellationToken), time, cancellationToken);

            // The other hosts prepare (fetch, check out, pull) while the canary deploys, and wait for it to be healthy
            // before they change anything: the canary still goes first, without its whole deploy in the fleet's time.
            var rest = environment.Canary ? 1 : 0;
            var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var canary = environment.Canary ? RunCanaryAsync(run, request, stop, healthy) : Task.CompletedTask;
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(rest, run.Hosts.Count - rest),
                    new ParallelOptions { MaxDegreeOfParallelism = environment.Parallel, CancellationToken = stop.Token },
                    (i, token) => new ValueTask(DeployHostAsync(run, request with
                    {
                        WaitForCanary = environment.Canary ? ct => WaitForCanaryAsync(run.Hosts[0], healthy.Task, ct) : null,
                    }, i, stop, token)));
            }
            finally
            {
                await canary;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A host failed or the operator cancelled: the hosts not started stay untouched, the others have ended.
        }
        catch (DevOpsAgentException error)
        {
            run.Fail(-1, error.ExitCode, error.Message);
        }

        try
        {
            if (cancellationToken.IsCancellationRequested && run.FirstFailure < 0)
            {
                run.Fail(-1, ExitCodes.Cancelled, "cancelled");
            }

            if (run.Failed && !request.DryRun)
            {
                using var grace = new Grace(cancellationToken, DeployWorker.CancelGrace);
                await RollBackFleetAsync(run, request, grace.Token);
            }
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            await run.DisposeAsync();
            record = Conclude(run, request, record);
            await history.SaveAsync(record, CancellationToken.None);
        }

        return new FleetDeployResult(record, [.. run.Lines.OfType<HostDeployLine>()], run.ExitCode);
    }

    private async Task RunCanaryAsync(FleetRun run, DeployRequest request, CancellationTokenSource stop, TaskCompletionSource healthy)
    {
        try
        {
            await DeployHostAsync(run, request, 0, stop, stop.Token);
        }
        finally
        {
            // A failed canary has cancelled the others already (stop); they end waiting, cancelled, and undo their checkout.
            if (run.Lines[0] is { Outcome: DeployOutcome.Succeeded or DeployOutcome.Planned })
            {
                healthy.TrySetResult();
            }
            else
            {
                healthy.TrySetCanceled();
            }
        }
    }

    private async Task<string> WaitForCanaryAsync(HostConfig canary, Task healthy, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            await healthy.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The fleet cancels this host when the canary fails; should the canary end otherwise, this host still stops here.
            throw new DevOpsAgentException($"stopped before changing anything: the canary {canary.Name} did not end healthy", ExitCodes.Cancelled);
        }

        return $"{canary.Name} healthy on the release (waited {time.GetElapsedTime(started).TotalSeconds:0.0}s)";
    }

    private async Task DeployHostAsync(FleetRun run, DeployRequest request, int index, CancellationTokenSource stop, CancellationToken token)
    {
        var host = run.Hosts[index];
        var startedAt = time.GetUtcNow();
        try
        {
            var runner = await run.ConnectAsync(index, connect, token);
            var worker = new DeployWorker(config, runner, new HostHistory(history), run.ObserverFor(index), time);
            var result = await worker.DeployAsync(request with
            {
                Environment = request.Environment.OnHost(host),
                RunMigrations = index == 0,
                QualityGate = index == 0 ? request.QualityGate : null,
                Images = ImagesFor(run, request.Environment, index),
            }, token);
            run.Records[index] = result.Record;
            var failed = result.Record.Outcome is not (DeployOutcome.Succeeded or DeployOutcome.Planned);
            var error = result.Record.Error;
            if (failed && result.ExitCode == ExitCodes.Cancelled && run.FirstFailure >= 0 && run.FirstFailure != index)
            {
                // Not this host's failure: the fleet stopped it because another host failed.
                error = $"stopped because {run.Hosts[run.FirstFailure].Name} failed ({error})";
            }

            run.Lines[index] = new HostDeployLine(host, result.Record.Outcome, time.GetUtcNow() - startedAt,
                failed ? result.Record.Steps.LastOrDefault(s => s.Outcome == StepOutcome.Failed)?.Name ?? result.Record.Steps.LastOrDefault()?.Name : null,
                failed ? error : null)
            { Migrated = index == 0 && config.Migrations is not null };
            if (failed)
            {
                run.Fail(index, result.ExitCode, result.Record.Error ?? "failed", stopped: stop.IsCancellationRequested);
                await stop.CancelAsync();
            }
        }
        catch (Exception error) when (error is DevOpsAgentException or OperationCanceledException)
        {
            // Only connecting can end here: the deploy itself turns every failure into its result.
            var exitCode = error is DevOpsAgentException known ? known.ExitCode : ExitCodes.Cancelled;
            run.Lines[index] = new HostDeployLine(host, DeployOutcome.Failed, time.GetUtcNow() - startedAt, "connect", error.Message);
            run.Fail(index, exitCode, error.Message, stopped: stop.IsCancellationRequested);
            await stop.CancelAsync();
        }
        finally
        {
            if (index == 0)
            {
                // After the host's failure is recorded: a host waiting for the images fails as stopped, not as the cause.
                run.Images?.Withdraw($"{host.Name} ended without pushing the release's images");
            }
        }
    }

    /// <summary>
    /// With a registry the first host builds and pushes the release's images and the others pull them: the fleet builds
    /// once (every host built for itself before; on hosts sharing cores, the builds were most of a fleet deploy).
    /// </summary>
    private static SharedImages? ImagesFor(FleetRun run, EnvironmentConfig environment, int index) => run.Images is not { } exchange ? null
        : index == 0 ? new SharedImages.Push(environment.Registry!, exchange)
        : new SharedImages.Pull(environment.Registry!, exchange);
}
