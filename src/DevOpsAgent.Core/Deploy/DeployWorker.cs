using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Operations;

namespace DevOpsAgent.Core.Deploy;

/// <summary>The outcome of a deploy: what history recorded, the health report, and the exit code it maps to.</summary>
public sealed record DeployResult(DeployRecord Record, HealthReport? Health, int ExitCode)
{
    /// <summary>Several hosts: one line per host (outcome, time, the step that failed); empty for one server or a Swarm.</summary>
    public IReadOnlyList<Fleet.HostDeployLine> Hosts { get; init; } = [];
}

/// <summary>
/// The seed's deploy flow on one server, in Calamari-like stages inside the operation envelope (lock, journal,
/// history). Recover: an operation the server records as interrupted is first brought back to the release the
/// server recorded. Prepare touches nothing that runs: fetch, resolve the ref, check out, build and keep the
/// build's images as the release's, plan the migrations, pre-flight. Switch changes what serves: migrate, up,
/// verify health, record. On failure — an error, a cancel (with a bounded grace), but not a lost connection,
/// which leaves the journal for the next run — the previous release is restored automatically, database included.
/// </summary>
public sealed partial class DeployWorker(AgentConfig config, ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    /// <summary>How long the on-failure stage may run after a cancel before it is cancelled too.</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromMinutes(3);

    public async Task<DeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        if (!request.RunMigrations && config.Migrations is not null)
        {
            // Every database step (plan, backup, migrate, downgrade on failure) hangs off config.Migrations.
            return await new DeployWorker(config with { Migrations = null }, runner, history, observer, time).DeployAsync(request, cancellationToken);
        }

        var steps = new DeploySteps(runner, observer, time);
        var state = new DeployState(new DeployRecord
        {
            Id = OperationId.New(time.GetUtcNow(), request.Environment.Name, "deploy"),
            Environment = request.Environment.Name,
            Ref = request.Ref.Name,
            StartedBy = request.StartedBy,
            TaskId = request.TaskId,
            QaApprovedBy = request.QaApprovedBy,
            StartedAt = time.GetUtcNow(),
        });
        await history.SaveAsync(state.Record, cancellationToken);

        var exitCode = ExitCodes.Success;
        try
        {
            if (request.QualityGate is { } gate)
            {
                await steps.RunAsync("check", () => CheckAsync(gate, cancellationToken), cancellationToken);
            }

            state.Operation = await steps.RunAsync("lock", () => BeginAsync(request, state, cancellationToken), cancellationToken);
            steps.StepStarting = state.Operation.StepAsync;
            await RecoverAsync(request, steps, state, cancellationToken);
            await PrepareAsync(request, steps, state, cancellationToken);
            if (request.WaitForCanary is { } canary)
            {
                await steps.RunAsync("wait for canary", () => canary(cancellationToken), cancellationToken);
            }

            await SwitchAsync(request, steps, state, cancellationToken);
            await state.Operation.ConcludeAsync(cancellationToken);
            state.Record = state.Record with { Outcome = request.DryRun ? DeployOutcome.Planned : DeployOutcome.Succeeded };
        }
        catch (ConnectionFailedException error)
        {
            exitCode = LostConnection(request, steps, state, error);
        }
        catch (DevOpsAgentException error)
        {
            exitCode = await FailAsync(request, steps, state, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A cancel is a failure like any other: what changed is undone, within a bounded grace.
            using var grace = new CancellationTokenSource(CancelGrace);
            exitCode = await FailAsync(request, steps, state, new DevOpsAgentException($"cancelled during {Current(steps)}", ExitCodes.Cancelled), grace.Token);
            exitCode = exitCode == ExitCodes.RollbackFailed ? exitCode : ExitCodes.Cancelled;
        }
        finally
        {
            if (state.Operation is not null)
            {
                await state.Operation.DisposeAsync();
            }

            state.Record = state.Record with { FinishedAt = time.GetUtcNow(), Steps = [.. steps.Records], HealthSummary = state.Health?.Summary ?? "" };
            if (state.Record.Outcome == DeployOutcome.Running)
            {
                state.Record = state.Record with { Outcome = DeployOutcome.Failed, Error = state.Record.Error ?? $"interrupted during {Current(steps)}" };
            }

            await history.SaveAsync(state.Record, CancellationToken.None);
        }

        return new DeployResult(state.Record, state.Health, exitCode);
    }

    /// <summary>The first 12 characters of a full commit id; anything else unchanged.</summary>
    public static string ShortCommit(string commit) => commit.Length == 40 ? commit[..12] : commit;

    private async Task PrepareAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var operation = state.Operation!;
        var git = new GitCommands(environment.Path);
        var compose = state.Compose ??= await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, ct), ct);

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

            // The release to come back to is the one the server records as serving, never what happens to be checked out;
            // a server deployed by hand before the agent (no record) falls back to its checkout.
            var current = operation.Serving is null ? (await runner.RunAsync(git.CurrentCommit(), ct)).StandardOutput.Trim() : "";
            var previousCommit = operation.Serving?.Commit ?? (current.Length > 0 && operation.Interrupted is null ? current : null);
            return (resolved.Length == 0 ? $"<commit of {request.Ref}>" : resolved, previousCommit);
        }, ct);
        state.Record = state.Record with { Commit = commit, PreviousCommit = previous };
        await operation.UpdateAsync(j => j with { TargetCommit = commit, InvolvedCommits = [.. j.InvolvedCommits.Append(commit).Distinct()] }, ct);

        if (previous is not null && operation is { Interrupted: null, Lease.Abandoned: null } && operation.Serving?.Slot is null)
        {
            // Servers the agent deployed before it kept a manifest: what runs is the recorded release (nothing was interrupted).
            await steps.RunAsync("keep serving release", async () =>
            {
                var adopted = (await steps.CommandAsync(ReleaseImages.AdoptRunning(compose, previous), ct)).StandardOutput.Trim();
                return adopted.Length == 0 ? $"images of {ShortCommit(previous)} already kept" : $"adopted the running images as {ShortCommit(previous)}'s";
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

        // Zero downtime: the release is built in the slot that is not live; the database is asked through the data
        // project (or, the first time, through the single project that still serves).
        var built = compose;
        Func<MigrationsConfig, AlembicCommands> alembic = m => new AlembicCommands(compose, m);
        if (environment.ZeroDowntime is { } zero)
        {
            var slots = state.Slots = await PrepareSlotsAsync(request, steps, state, zero, ct);
            built = slots.Target;
            if (slots.Legacy is null)
            {
                await DataUpAsync(steps, slots, ct);
                await steps.RunAsync("edge network", async () =>
                {
                    await new EdgeSwitch(runner, slots.Edge, time).EnsureUpAsync(ToEdge(slots.Live), ct);
                    return slots.Edge.Spec.Network;
                }, ct);
                alembic = m => slots.Alembic(slots.Target, m);
            }
        }

        await ObtainImagesAsync(request, steps, state, built, commit, version, ct);

        // The first zero-downtime deploy of a single project plans its migrations once the data project holds the database.
        if (config.Migrations is { } migrations && state.Slots?.Legacy is null)
        {
            var plan = state.Plan = await steps.RunAsync("migrations plan", async () =>
            {
                var coordinator = new MigrationCoordinator(runner, alembic(migrations), time);
                MigrationPlan planned;
                try
                {
                    planned = await coordinator.PlanAsync(ct);
                }
                catch (CommandFailedException error) when (error.Result.StandardError.Contains("Can't locate revision", StringComparison.Ordinal))
                {
                    // An older release than the database: only a rollback, which downgrades with code that knows how, goes there.
                    throw new DevOpsAgentException(
                        $"refused: the database is at a revision {version} does not know (a newer release migrated it); "
                        + $"`devops-agent rollback {environment.Name} --to {version}` downgrades it first", ExitCodes.Refused);
                }

                return planned.Heads.Count == 1 || request.DryRun
                    ? planned
                    : throw new DevOpsAgentException(
                        $"refused: the release has {planned.Heads.Count} alembic heads ({string.Join(", ", planned.Heads)}); merge them into one first", ExitCodes.Refused);
            }, ct);
            state.Record = state.Record with { RevisionBefore = plan.Current, RevisionAfter = plan.Current, Migrations = plan.Summary };
            await operation.Lease.UpdateAsync(i => i with { PreviousRevision = plan.Current }, ct);
            if (state.Slots is { Live: not null } live && plan.Pending.Count > 0)
            {
                await MigrationSafetyGateAsync(steps, state, live, new MigrationCoordinator(runner, alembic(migrations), time), plan, environment.PreflightTestedOn is not null, ct);
            }
        }

        if (environment.PreflightTestedOn is { } testedOn)
        {
            await PreflightAsync(request, steps, state, testedOn, ct);
            if (state.SafetyRefusal is { } refusal)
            {
                await steps.RunAsync("migration safety: refused", () => Task.FromException<string>(refusal), ct);
            }

            if (config.Migrations is { } database && !request.DryRun)
            {
                // Production keeps a dump of the database from just before anything changed.
                await steps.RunAsync("backup", async () =>
                {
                    var file = await BackupWorker.DumpAsync(runner, state.Slots is { Legacy: null } data ? data.Data : compose, database.DatabaseService, environment.Path, environment.Name, state.Plan?.Current ?? "base", ct);
                    state.Record = state.Record with { Backup = file.Path };
                    return $"{file.Path} ({file.Size} bytes)";
                }, ct);
            }
        }
    }

    private async Task SwitchAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        if (state.Slots is { } slots)
        {
            await SwitchSlotsAsync(request, steps, state, slots, ct);
            return;
        }

        var environment = request.Environment;
        var compose = state.Compose!;
        state.Switched = true;
        await state.Operation!.UpdateAsync(j => j with { Switched = true }, ct);

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
            Slot = state.Slots?.TargetSlot,
        };
        await steps.CommandAsync(release.Write(environment.Path), ct);

        var kept = ServerRelease.ParseLog((await runner.RunAsync(ServerRelease.ReadLog(environment.Path), ct)).StandardOutput)
            .Select(r => r.Commit).Reverse().Distinct().Take(environment.KeepReleases).ToList();
        await steps.CommandAsync(ReleaseImages.Prune(environment.Path, kept), ct);
        return $"{record.Version} serving; images kept for {kept.Count} release(s)";
    }

    private static string Current(DeploySteps steps) => steps.Current ?? "start";

    /// <summary>Mutable state of one deploy, threaded through its stages.</summary>
    private sealed class DeployState(DeployRecord record)
    {
        public DeployRecord Record { get; set; } = record;

        public ServerOperation? Operation { get; set; }

        public ComposeCommands? Compose { get; set; }

        public MigrationPlan? Plan { get; set; }

        public HealthReport? Health { get; set; }

        public bool CheckedOut { get; set; }

        public bool Built { get; set; }

        public bool Switched { get; set; }

        /// <summary>Zero downtime: the slots of this deploy; null for a single compose project.</summary>
        public SlotStack? Slots { get; set; }

        /// <summary>A pending migration is destructive, locking or unjudged (allowed only in a maintenance window).</summary>
        public bool UnsafeMigrations { get; set; }

        /// <summary>Zero downtime: the pending revisions judged for a live switch; null when none were judged.</summary>
        public IReadOnlyList<RevisionSafety>? Safety { get; set; }

        /// <summary>Production: the live-switch refusal, raised once the pre-flight has shown it.</summary>
        public DevOpsAgentException? SafetyRefusal { get; set; }
    }
}
