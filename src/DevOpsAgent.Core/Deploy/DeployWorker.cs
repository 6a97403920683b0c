using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Deploy;

/// <summary>The outcome of a deploy: what history recorded, the health report, and the exit code it maps to.</summary>
public sealed record DeployResult(DeployRecord Record, HealthReport? Health, int ExitCode);

/// <summary>
/// The seed's deploy flow on one server, in two stages. Prepare touches nothing that runs: fetch, resolve the
/// ref, keep the serving release's images, check out, build, plan the migrations, pre-flight. Switch changes
/// what serves: migrate, up, verify health, record. A failure while switching rolls back to the previous
/// release automatically, database included.
/// </summary>
public sealed partial class DeployWorker(AgentConfig config, ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    public async Task<DeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var steps = new DeploySteps(runner, observer, time);
        var state = new DeployState(new DeployRecord
        {
            Id = $"{time.GetUtcNow():yyyyMMddHHmmss}-{request.Environment.Name}-{Guid.NewGuid().ToString("N")[..6]}",
            Environment = request.Environment.Name,
            Ref = request.Ref.Name,
            StartedBy = request.StartedBy,
            TaskId = request.TaskId,
            QaApprovedBy = request.QaApprovedBy,
            StartedAt = time.GetUtcNow(),
        });
        await history.SaveAsync(state.Record, cancellationToken);

        var exitCode = ExitCodes.Success;
        DeployLease? lease = null;
        try
        {
            if (request.QualityGate is { } gate)
            {
                await steps.RunAsync("check", () => CheckAsync(gate, cancellationToken), cancellationToken);
            }

            lease = state.Lease = await steps.RunAsync("lock", () => LockAsync(request, state, cancellationToken), cancellationToken);
            steps.StepStarting = lease.UpdateStepAsync;
            await PrepareAsync(request, steps, state, cancellationToken);
            await SwitchAsync(request, steps, state, cancellationToken);
            state.Record = state.Record with { Outcome = request.DryRun ? DeployOutcome.Planned : DeployOutcome.Succeeded };
        }
        catch (DevOpsAgentException error)
        {
            exitCode = await FailAsync(request, steps, state, error, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            exitCode = ExitCodes.Cancelled;
            state.Record = state.Record with { Outcome = DeployOutcome.Failed, Error = "cancelled" };
        }

        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }

        state.Record = state.Record with { FinishedAt = time.GetUtcNow(), Steps = [.. steps.Records], HealthSummary = state.Health?.Summary ?? "" };
        await history.SaveAsync(state.Record, CancellationToken.None);
        return new DeployResult(state.Record, state.Health, exitCode);
    }

    /// <summary>The first 12 characters of a full commit id; anything else unchanged.</summary>
    public static string ShortCommit(string commit) => commit.Length == 40 ? commit[..12] : commit;

    private async Task PrepareAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var git = new GitCommands(environment.Path);
        var compose = state.Compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, ct), ct);

        await steps.RunAsync("fetch", async () =>
        {
            await steps.CommandAsync(git.EnsureRepository(config.Repository), ct);
            return await steps.CommandAsync(git.Fetch(), ct);
        }, ct);

        var (commit, previous) = await steps.RunAsync("resolve", async () =>
        {
            var resolved = (await runner.RunAsync(git.Resolve(request.Ref), ct)).StandardOutput.Trim();
            if (resolved.Length == 0 && !request.DryRun)
            {
                throw new InvalidInputException($"'{request.Ref}' is neither a branch nor a tag nor a commit of {config.Repository}.");
            }

            var current = (await runner.RunAsync(git.CurrentCommit(), ct)).StandardOutput.Trim();
            // After an interrupted deploy the checkout may be half-way: the last known good release is the previous one.
            var previousCommit = state.Interrupted?.PreviousCommit ?? (current.Length > 0 ? current : null);
            return (resolved.Length == 0 ? $"<commit of {request.Ref}>" : resolved, previousCommit);
        }, ct);
        state.Record = state.Record with { Commit = commit, PreviousCommit = previous };
        await state.Lease!.UpdateAsync(i => i with { PreviousCommit = previous }, ct);
        state.Serving = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), ct)).StandardOutput);

        if (previous is not null)
        {
            state.Repositories = await steps.RunAsync("keep serving release", async () =>
            {
                var images = ReleaseImages.Parse((await runner.RunAsync(ReleaseImages.Inspect(compose), ct)).StandardOutput, compose.ProjectName);
                await steps.CommandAsync(ReleaseImages.Keep(images, previous), ct);
                return images.Select(i => i.Repository).ToList();
            }, ct);
        }

        var version = await steps.RunAsync("checkout", async () =>
        {
            state.CheckedOut = true;
            await steps.CommandAsync(git.Checkout(commit), ct);
            var tag = await runner.RunAsync(git.DescribeTag(), ct);
            return tag.Succeeded && tag.StandardOutput.Trim().Length > 0 ? tag.StandardOutput.Trim() : ShortCommit(commit);
        }, ct);
        state.Record = state.Record with { Version = version };

        await steps.RunAsync("build", () => steps.CommandAsync(compose.Build(), ct, streamOutput: true), ct);

        if (config.Migrations is { } migrations)
        {
            var plan = state.Plan = await steps.RunAsync("migrations plan", async () =>
            {
                var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), time);
                var planned = await coordinator.PlanAsync(ct);
                return planned.Heads.Count == 1 || request.DryRun
                    ? planned
                    : throw new DevOpsAgentException(
                        $"refused: the release has {planned.Heads.Count} alembic heads ({string.Join(", ", planned.Heads)}); merge them into one first", ExitCodes.Refused);
            }, ct);
            var before = state.Interrupted is { PreviousCommit: not null } interrupted ? interrupted.PreviousRevision : plan.Current;
            state.Record = state.Record with { RevisionBefore = before, RevisionAfter = plan.Current, Migrations = plan.Summary };
            await state.Lease!.UpdateAsync(i => i with { PreviousRevision = before }, ct);
        }

        if (environment.PreflightTestedOn is { } testedOn)
        {
            await PreflightAsync(request, steps, state, testedOn, ct);
            if (config.Migrations is { } database && !request.DryRun)
            {
                // Production keeps a dump of the database from just before anything changed.
                await steps.RunAsync("backup", async () =>
                {
                    var file = await BackupWorker.DumpAsync(runner, compose, database.DatabaseService, environment.Path, environment.Name, state.Plan?.Current ?? "base", ct);
                    state.Record = state.Record with { Backup = file.Path };
                    return $"{file.Path} ({file.Size} bytes)";
                }, ct);
            }
        }
    }

    private async Task SwitchAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var compose = state.Compose!;
        state.Switched = true;

        if (state.Plan is { Pending.Count: > 0 } plan)
        {
            var reached = await steps.RunAsync("migrate", async () =>
                await new MigrationCoordinator(runner, new AlembicCommands(compose, config.Migrations!), time).UpgradeAsync(plan, ct, observer.Output) ?? "base", ct);
            state.Record = state.Record with { RevisionAfter = reached };
        }

        try
        {
            await steps.RunAsync("up", () => steps.CommandAsync(compose.Up(), ct, streamOutput: true), ct);
        }
        catch (CommandFailedException)
        {
            // Compose refuses to finish `up` when a dependency turns unhealthy; one pass of the checks names
            // which one and shows its logs.
            state.Health = await steps.VerifyHealthAsync(compose, environment.Health, singlePass: true, state.Record.StartedAt, ct);
            if (!state.Health.Healthy)
            {
                throw new HealthCheckFailedException(state.Health);
            }

            throw;
        }

        state.Health = await steps.RunAsync("health", async () =>
        {
            var report = await steps.VerifyHealthAsync(compose, environment.Health, request.DryRun, state.Record.StartedAt, ct);
            return report.Healthy || request.DryRun ? report : throw new HealthCheckFailedException(report);
        }, ct);

        await steps.RunAsync("record release", () => RecordReleaseAsync(request, steps, state, ct), ct);
    }

    private async Task<string> RecordReleaseAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var record = state.Record;
        var release = new ServerRelease(environment.Name, record.Ref, record.Commit!, record.Version!, time.GetUtcNow(), record.StartedBy, record.TaskId, record.Id)
        {
            Revision = record.RevisionAfter,
        };
        await steps.CommandAsync(release.Write(environment.Path), ct);

        var images = ReleaseImages.Parse((await runner.RunAsync(ReleaseImages.Inspect(state.Compose!), ct)).StandardOutput, state.Compose!.ProjectName);
        await steps.CommandAsync(ReleaseImages.Keep(images, record.Commit!), ct);
        var kept = ServerRelease.ParseLog((await runner.RunAsync(ServerRelease.ReadLog(environment.Path), ct)).StandardOutput)
            .Select(r => r.Commit).Reverse().Distinct().Take(environment.KeepReleases).ToList();
        await steps.CommandAsync(ReleaseImages.Prune(images.Select(i => i.Repository).Distinct(), kept), ct);
        return $"{record.Version} serving; images kept for {kept.Count} release(s)";
    }

    /// <summary>Mutable state of one deploy, threaded through its stages.</summary>
    private sealed class DeployState(DeployRecord record)
    {
        public DeployRecord Record { get; set; } = record;

        public ComposeCommands? Compose { get; set; }

        public ServerRelease? Serving { get; set; }

        public IReadOnlyList<string> Repositories { get; set; } = [];

        public MigrationPlan? Plan { get; set; }

        public HealthReport? Health { get; set; }

        public bool CheckedOut { get; set; }

        public bool Switched { get; set; }

        public DeployLease? Lease { get; set; }

        /// <summary>The lock of a deploy that died half-way, taken over by this one.</summary>
        public LockInfo? Interrupted { get; set; }
    }
}
