using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Core.Protocol;

public sealed partial class ProtocolExecutor
{
    private async Task<ExecutionReport> DeployAsync(AgentMessage message, DeployInstruction deploy, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(deploy.Environment);
        var gitRef = deploy.Ref ?? task.Ref ?? environment.DefaultRef;
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var result = await new DeployWorker(context.Config, runner, context.History, context.Observer, context.Time)
            .DeployAsync(new DeployRequest(environment, gitRef, context.Actor)
            {
                TaskId = task.Id,
                QaApprovedBy = QaApproval.FromTask(task, context.StateSource).ApprovedBy,
                QualityGate = context.QualityGate,
            }, cancellationToken);
        return FromResult(message, deploy, task, startedAt, result);
    }

    /// <summary>Back to the previous release, or the one named: the rollback command's operation, database included.</summary>
    private async Task<ExecutionReport> RollbackAsync(AgentMessage message, RollbackInstruction rollback, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(rollback.Environment);
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var result = await new RollbackOperation(context.Config, runner, context.History, context.Observer, context.Time)
            .RollbackAsync(environment, rollback.To?.Name, context.Actor, task.Id, Locks.DeployLock.DefaultStaleAfter, cancellationToken);
        return FromResult(message, rollback, task, startedAt, result);
    }

    private ExecutionReport FromResult(AgentMessage message, Instruction instruction, ProjectTask task, DateTimeOffset startedAt, DeployResult result)
    {
        var record = result.Record;
        var outcome = record.Outcome switch
        {
            DeployOutcome.Succeeded => ReportOutcome.Succeeded,
            DeployOutcome.RolledBack => ReportOutcome.RolledBack,
            DeployOutcome.Refused => ReportOutcome.Refused,
            _ => ReportOutcome.Failed,
        };
        return Report(message, instruction, task, startedAt, outcome) with
        {
            Reason = record.Error,
            Release = new ReportRelease(record.Ref, record.Version, record.Commit, record.PreviousCommit),
            Health = ExecutionReport.Checks(result.Health),
            Steps = ExecutionReport.StepsOf(record.Steps),
            Migrations = record.Migrations is { } plan ? new ReportMigrations(true, record.RevisionBefore, record.RevisionAfter, plan) : null,
            Preflight = [.. record.Preflight.Select(i => new ReportPreflightItem(i.Name, i.Passed, i.Reason))],
            ExitCode = result.ExitCode,
        };
    }

    private async Task<ExecutionReport> RestartAsync(AgentMessage message, RestartInstruction restart, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(restart.Environment);
        var clock = new StepClock(context.Observer, context.Time);
        HealthReport? health = null;
        try
        {
            await using var runner = await context.ConnectAsync(environment, cancellationToken);
            await using var lease = await clock.StepAsync("lock", () => LockAsync(runner, environment, "restart", task, startedAt, cancellationToken));
            var compose = await clock.StepAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken));
            await clock.StepAsync("restart", async () => (await runner.RunAsync(compose.Restart(restart.Service), cancellationToken)).EnsureSuccess(runner.Target),
                _ => restart.Service ?? "all services");
            health = await clock.StepAsync("health", async () =>
            {
                var report = await new HealthVerifier(runner, compose, environment.Health, context.Time).VerifyAsync(false, cancellationToken, startedAt);
                return report.Healthy ? report : throw new HealthCheckFailedException(report);
            }, r => $"{r.Checks.Count(c => c.Passed)}/{r.Checks.Count} checks passed");
            return Report(message, restart, task, startedAt, ReportOutcome.Succeeded) with { Health = ExecutionReport.Checks(health), Steps = ExecutionReport.StepsOf(clock.Steps) };
        }
        catch (DevOpsAgentException error)
        {
            health ??= (error as HealthCheckFailedException)?.Report;
            return Report(message, restart, task, startedAt, ReportOutcome.Failed) with
            {
                Reason = error.Message, Health = ExecutionReport.Checks(health), Steps = ExecutionReport.StepsOf(clock.Steps), ExitCode = error.ExitCode,
            };
        }
    }

    private async Task<ExecutionReport> StatusAsync(AgentMessage message, StatusInstruction instruction, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(instruction.Environment);
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var status = await EnvironmentStatus.ReadAsync(runner, environment, cancellationToken);
        var outcome = status.AllHealthy ? ReportOutcome.Succeeded : ReportOutcome.Failed;
        return Report(message, instruction, task, startedAt, outcome) with
        {
            Reason = status.AllHealthy ? null : status.Summary,
            Release = status.Release is { } r ? new ReportRelease(r.Ref, r.Version, r.Commit, null) : null,
            Health = [.. status.Services.Select(s => new ReportCheck($"service {s.Service}", s.Ready ? "passed" : "failed", s.State))],
            ExitCode = status.AllHealthy ? ExitCodes.Success : ExitCodes.HealthCheckFailed,
        };
    }

    /// <summary>Checks (plan only) or applies the pending migrations with the code the server has checked out.</summary>
    private async Task<ExecutionReport> MigrationsAsync(AgentMessage message, MigrationsInstruction instruction, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var migrations = context.Config.Migrations
            ?? throw new RefusedException("No migrations are configured (migrations: in devops-agent.yml); nothing to check or run.");
        var environment = context.Config.Environment(instruction.Environment);
        var steps = new DeploySteps(await context.ConnectAsync(environment, cancellationToken), context.Observer, context.Time);
        await using var runner = steps.Runner;
        var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken), cancellationToken);
        var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), context.Time);
        try
        {
            var plan = await steps.RunAsync("migrations plan", () => coordinator.PlanAsync(cancellationToken), cancellationToken);
            var after = plan.Current;
            if (instruction.Apply && plan.Pending.Count > 0)
            {
                if (plan.Head is null || plan.WithoutDowngrade.Any())
                {
                    throw new RefusedException($"Refused: {plan.Summary}; a migration that cannot be undone (or several heads) is only run by a deploy with its pre-flight.");
                }

                await using var lease = await steps.RunAsync("lock", () => LockAsync(runner, environment, "migrate", task, startedAt, cancellationToken), cancellationToken);
                after = await steps.RunAsync("migrate", () => coordinator.UpgradeAsync(plan, cancellationToken, context.Observer.Output), cancellationToken);
            }

            var summary = instruction.Apply && plan.Pending.Count > 0 ? $"{plan.Current ?? "base"} → {after ?? "base"}: applied {plan.Pending.Count}" : plan.Summary;
            return Report(message, instruction, task, startedAt, ReportOutcome.Succeeded) with
            {
                Migrations = new ReportMigrations(true, plan.Current, after, summary),
                Steps = ExecutionReport.StepsOf(steps.Records),
            };
        }
        catch (DevOpsAgentException error)
        {
            var outcome = error.ExitCode == ExitCodes.Refused ? ReportOutcome.Refused : ReportOutcome.Failed;
            return Report(message, instruction, task, startedAt, outcome) with { Reason = error.Message, Steps = ExecutionReport.StepsOf(steps.Records), ExitCode = error.ExitCode };
        }
    }

    /// <summary>Restarts and migrations change the server like a deploy does, so they hold the same lock.</summary>
    private Task<DeployLease> LockAsync(Execution.ICommandRunner runner, Configuration.EnvironmentConfig environment, string action, ProjectTask task,
        DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        DeployLock.AcquireAsync(runner, environment.Path, new LockInfo
        {
            DeployId = $"{startedAt:yyyyMMddHHmmss}-{environment.Name}-{action}-{Guid.NewGuid().ToString("N")[..6]}",
            Environment = environment.Name,
            Holder = context.Actor,
            TaskId = task.Id,
            Target = action,
            StartedAt = startedAt,
        }, TimeSpan.Zero, DeployLock.DefaultStaleAfter, cancellationToken);
}
