using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Operations;

namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// A deploy of an <c>engine: swarm</c> environment, through its manager, in the same envelope as the compose deploy
/// (lock, journal, history record, report, exit codes, cancel with a bounded grace). Prepare touches nothing that
/// runs: fetch, resolve, check out, the stack file, build once and push, plan the migrations. Switch: migrate in a
/// one-off container on the stack's network, <c>docker stack deploy</c>, wait on every service's update state, the
/// health checks through the published edge, record. On failure after the switch began: <c>docker service rollback</c>
/// of the services the release updated (those Swarm did not roll back itself), the database downgraded to the revision
/// it had, health verified — exit RolledBack.
/// </summary>
public sealed partial class SwarmDeployWorker(AgentConfig config, ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    public async Task<DeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var environment = request.Environment;
        var steps = new DeploySteps(runner, observer, time);
        var action = request.RollbackTo is null ? "deploy" : "rollback";
        var state = new SwarmDeployState(new DeployRecord
        {
            Id = OperationId.New(time.GetUtcNow(), environment.Name, action),
            Action = action,
            Environment = environment.Name,
            Ref = request.RollbackTo?.Ref ?? request.Ref.Name,
            StartedBy = request.StartedBy,
            TaskId = request.TaskId,
            QaApprovedBy = request.QaApprovedBy,
            StartedAt = time.GetUtcNow(),
        }, new SwarmStack(steps, config, environment, request.DryRun));
        await history.SaveAsync(state.Record, cancellationToken);

        var exitCode = ExitCodes.Success;
        try
        {
            if (request.QualityGate is { } gate)
            {
                await steps.RunAsync("check", () => CheckAsync(gate, cancellationToken), cancellationToken);
            }

            state.Operation = await steps.RunAsync("lock", () => ServerOperation.BeginAsync(runner, environment, action, new LockInfo
            {
                DeployId = state.Record.Id,
                Environment = environment.Name,
                Holder = request.StartedBy,
                TaskId = request.TaskId,
                Target = request.RollbackTo is { } back ? $"rollback {back.Version}" : request.Ref.Name,
                StartedAt = state.Record.StartedAt,
            }, request.LockWait, request.LockStaleAfter, observer, history, cancellationToken), cancellationToken);
            steps.StepStarting = state.Operation.StepAsync;
            await PrepareAsync(request, steps, state, cancellationToken);
            await SwitchAsync(request, steps, state, cancellationToken);
            await state.Operation.ConcludeAsync(cancellationToken);
            state.Record = state.Record with { Outcome = request.DryRun ? DeployOutcome.Planned : DeployOutcome.Succeeded };
        }
        catch (ConnectionFailedException error)
        {
            state.Record = state.Record with
            {
                Outcome = DeployOutcome.Failed,
                Error = $"{error.Message}. The deploy stopped at step {steps.Current ?? "start"}; the server records it as interrupted, and the next "
                    + $"`devops-agent deploy {environment.Name}` or `rollback {environment.Name}` brings the stack to a known release.",
            };
            exitCode = ExitCodes.ConnectionFailed;
        }
        catch (DevOpsAgentException error)
        {
            exitCode = await FailAsync(request, steps, state, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var grace = new CancellationTokenSource(DeployWorker.CancelGrace);
            exitCode = await FailAsync(request, steps, state, new DevOpsAgentException($"cancelled during {steps.Current ?? "start"}", ExitCodes.Cancelled), grace.Token);
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
                state.Record = state.Record with { Outcome = DeployOutcome.Failed, Error = state.Record.Error ?? $"interrupted during {steps.Current ?? "start"}" };
            }

            await history.SaveAsync(state.Record, CancellationToken.None);
        }

        return new DeployResult(state.Record, state.Health, exitCode);
    }

    private async Task PrepareAsync(DeployRequest request, DeploySteps steps, SwarmDeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var operation = state.Operation!;
        var git = new GitCommands(environment.Path);
        var swarm = state.Swarm;
        await steps.RunAsync("swarm manager", async () =>
        {
            var answer = (await steps.CommandAsync(SwarmCommands.Manager(), ct)).StandardOutput.Trim();
            return answer == "active true" || request.DryRun
                ? $"{runner.Target} is a Swarm manager"
                : throw new DevOpsAgentException(
                    $"{environment.Name}: engine: swarm, but {runner.Target} is not a Swarm manager (docker info: {(answer.Length == 0 ? "no answer" : answer)}); point server: at a manager", ExitCodes.CommandFailed);
        }, ct);
        state.Flavor = (await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, ct), ct)).Flavor;

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

            return (resolved.Length == 0 ? $"<commit of {request.Ref}>" : resolved, operation.Serving?.Commit);
        }, ct);
        state.Record = state.Record with { Commit = commit, PreviousCommit = previous };
        await operation.UpdateAsync(j => j with { TargetCommit = commit, InvolvedCommits = [.. j.InvolvedCommits.Append(commit).Distinct()] }, ct);

        var version = await steps.RunAsync("checkout", async () =>
        {
            state.CheckedOut = true;
            await steps.CommandAsync(git.Checkout(commit), ct);
            var tag = await runner.RunAsync(git.DescribeTag(), ct);
            return tag.Succeeded && tag.StandardOutput.Trim().Length > 0 ? tag.StandardOutput.Trim() : DeployWorker.ShortCommit(commit);
        }, ct);
        state.Record = state.Record with { Version = version };

        state.Stack = await steps.RunAsync("stack file", async () => await swarm.WriteStackFileAsync(commit, ct), ct);
        state.Expected = state.Stack.Services.ToDictionary(s => s, s => state.Stack.ImageOf(s, swarm.Swarm.Registry, config.Project, SwarmStack.ReleaseTag(commit)));
        await steps.RunAsync("build and push", () => swarm.BuildAndPushAsync(state.Flavor, state.Stack, commit, ct), ct);
        state.Before = await steps.RunAsync("services before", async () => await swarm.StatesAsync(ct), ct);

        if (request.RollbackTo is { } target)
        {
            // Back to an older release: its code does not know the newer revision the database is at, so there is no plan;
            // the database goes down once the stack runs the release again, with the newer release's migrations.
            var serving = operation.Serving;
            state.Record = state.Record with { RevisionBefore = serving?.Revision, RevisionAfter = serving?.Revision };
            await operation.Lease.UpdateAsync(i => i with { PreviousRevision = serving?.Revision }, ct);
        }
        else if (config.Migrations is { } migrations && await swarm.NetworkExistsAsync(state.Stack, ct))
        {
            var image = state.Expected[migrations.Service];
            var plan = state.Plan = await steps.RunAsync("migrations plan", async () =>
            {
                var planned = await swarm.PlanAsync(state.Stack, image, ct);
                return planned.Heads.Count == 1 || request.DryRun
                    ? planned
                    : throw new DevOpsAgentException($"refused: the release has {planned.Heads.Count} alembic heads ({string.Join(", ", planned.Heads)}); merge them into one first", ExitCodes.Refused);
            }, ct);
            state.Record = state.Record with { RevisionBefore = plan.Current, RevisionAfter = plan.Current, Migrations = plan.Summary };
            await operation.Lease.UpdateAsync(i => i with { PreviousRevision = plan.Current }, ct);
        }
    }

    private async Task SwitchAsync(DeployRequest request, DeploySteps steps, SwarmDeployState state, CancellationToken ct)
    {
        var environment = request.Environment;
        var swarm = state.Swarm;
        var stack = state.Stack!;
        state.Switched = true;
        await state.Operation!.UpdateAsync(j => j with { Switched = true }, ct);

        if (state.Plan is { Pending.Count: > 0 } plan)
        {
            var reached = await steps.RunAsync("migrate", async () => await swarm.MigrateAsync(stack, state.Expected![config.Migrations!.Service], "upgrade", plan.Head, ct) ?? "base", ct);
            state.Record = state.Record with { RevisionAfter = reached };
        }

        if (stack.Edge is { } edge)
        {
            await steps.RunAsync("edge", () => swarm.DeployEdgeAsync(edge, ct), ct);
        }

        await steps.RunAsync("stack deploy", async () => (await swarm.DeployAsync(ct)).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "", ct);

        if (config.Migrations is { } migrations && state.Plan is null && request.RollbackTo is null)
        {
            // The first deploy: the stack's network and database exist only now; the release's code waits for its schema.
            var image = state.Expected![migrations.Service];
            state.Plan = await steps.RunAsync("migrations plan", async () => await swarm.PlanAsync(stack, image, ct), ct);
            state.Record = state.Record with { RevisionBefore = state.Plan.Current, RevisionAfter = state.Plan.Current, Migrations = state.Plan.Summary };
            if (state.Plan.Pending.Count > 0)
            {
                var reached = await steps.RunAsync("migrate", async () => await swarm.MigrateAsync(stack, image, "upgrade", state.Plan.Head, ct) ?? "base", ct);
                state.Record = state.Record with { RevisionAfter = reached };
            }
        }

        await steps.RunAsync("swarm update", () => swarm.WaitForUpdateAsync(stack, state.Expected!, state.Before!, ct), ct);
        if (request.RollbackTo is { } target && config.Migrations is { } database && state.Operation.Serving is { } newer
            && newer.Revision != target.Revision)
        {
            // The newer release's image knows the way down from its revision.
            var image = stack.ImageOf(database.Service, swarm.Swarm.Registry, config.Project, SwarmStack.ReleaseTag(newer.Commit));
            await steps.RunAsync("downgrade", async () =>
                $"database at {await swarm.MigrateAsync(stack, image, "downgrade", target.Revision, ct) ?? "base"} (with {newer.Version}'s migrations)", ct);
            state.Record = state.Record with { RevisionAfter = target.Revision };
        }

        state.Health = await steps.RunAsync("health", async () =>
        {
            var report = await swarm.VerifyHealthAsync(stack, request.DryRun, ct, state.Record.StartedAt);
            return report.Healthy || request.DryRun ? report : throw new HealthCheckFailedException(report);
        }, ct);

        if (environment.Swarm!.WaitForDrain)
        {
            await steps.RunAsync("drain", () => swarm.WaitForDrainAsync(stack, ct), ct);
        }

        await steps.RunAsync("record release", async () =>
        {
            var record = state.Record;
            var release = new ServerRelease(environment.Name, record.Ref, record.Commit!, record.Version!, time.GetUtcNow(), record.StartedBy, record.TaskId, record.Id)
            {
                Revision = record.RevisionAfter,
            };
            await steps.CommandAsync(release.Write(environment.Path), ct);
            return $"{record.Version} serving on the Swarm ({string.Join(", ", state.Expected!.Where(e => stack.Built.Contains(e.Key)).Select(e => e.Value))})";
        }, ct);
    }

    private async Task<string> CheckAsync(Quality.QualityGate gate, CancellationToken ct)
    {
        var findings = await gate(ct);
        foreach (var finding in findings)
        {
            observer.CheckReported(new CheckResult($"check {finding.RuleId}", false, $"{finding.Location}: {finding.Message}") { Blocking = finding.Severity == Quality.Severity.Error });
        }

        var errors = findings.Where(f => f.Severity == Quality.Severity.Error).ToList();
        return errors.Count == 0
            ? findings.Count == 0 ? "no findings" : $"{findings.Count} warning(s)"
            : throw new DevOpsAgentException(
                $"refused: `devops-agent check` found {errors.Count} error(s), first {errors[0].Location}: {errors[0].Message} ({errors[0].RuleId})", ExitCodes.CheckFailed);
    }

    /// <summary>Mutable state of one Swarm deploy, threaded through its stages.</summary>
    private sealed class SwarmDeployState(DeployRecord record, SwarmStack swarm)
    {
        public DeployRecord Record { get; set; } = record;

        public SwarmStack Swarm { get; } = swarm;

        public ServerOperation? Operation { get; set; }

        public ComposeFlavor Flavor { get; set; }

        public SwarmStackFile? Stack { get; set; }

        /// <summary>The image each service runs once the release serves.</summary>
        public IReadOnlyDictionary<string, string>? Expected { get; set; }

        /// <summary>The stack's services before the stack deploy (empty for the first deploy).</summary>
        public IReadOnlyDictionary<string, SwarmServiceState>? Before { get; set; }

        public MigrationPlan? Plan { get; set; }

        public HealthReport? Health { get; set; }

        public bool CheckedOut { get; set; }

        public bool Switched { get; set; }
    }
}
