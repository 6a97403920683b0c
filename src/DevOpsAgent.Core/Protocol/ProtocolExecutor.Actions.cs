using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Core.Protocol;

public sealed partial class ProtocolExecutor
{
    private async Task<ExecutionReport> DeployAsync(AgentMessage message, DeployInstruction deploy, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(deploy.Environment);
        var gitRef = deploy.Ref ?? task.Ref ?? environment.DefaultRef;
        var result = await Operations()
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
        var result = await Operations()
            .RollbackAsync(environment, rollback.To?.Name, context.Actor, task.Id, Locks.DeployLock.DefaultStaleAfter, cancellationToken);
        return FromResult(message, rollback, task, startedAt, result);
    }

    /// <summary>By the environment's engine: one server, every host of a fleet, or a Swarm's manager.</summary>
    private EnvironmentOperations Operations() => new(context.Config, context.ConnectAsync, context.History, context.Observer, context.Time);

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
        HealthReport? health = null;
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var result = await new OperationEnvelope(runner, context.History, context.Observer, context.Time).RunAsync(
            environment, "restart", restart.Service ?? "all services", context.Actor, task.Id, async (steps, _, ct) =>
            {
                var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, ct), ct);
                await steps.RunAsync("restart", async () => { await steps.CommandAsync(compose.Restart(restart.Service), ct); return restart.Service ?? "all services"; }, ct);
                health = await steps.RunAsync("health", async () =>
                {
                    var report = await steps.VerifyHealthAsync(compose, environment.Health, singlePass: false, startedAt, ct);
                    return report.Healthy ? report : throw new HealthCheckFailedException(report);
                }, ct);
                return null;
            }, cancellationToken);
        health ??= (result.Error as HealthCheckFailedException)?.Report;
        return Report(message, restart, task, startedAt, Outcome(result)) with
        {
            Reason = result.Error?.Message, Health = ExecutionReport.Checks(health), Steps = ExecutionReport.StepsOf(result.Record.Steps), ExitCode = result.ExitCode,
        };
    }

    private static ReportOutcome Outcome(OperationResult result) => result.Record.Outcome switch
    {
        DeployOutcome.Succeeded => ReportOutcome.Succeeded,
        DeployOutcome.Refused => ReportOutcome.Refused,
        _ => ReportOutcome.Failed,
    };

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
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        if (!instruction.Apply)
        {
            // Planning only reads the server: no lock, no history.
            var steps = new DeploySteps(runner, context.Observer, context.Time);
            try
            {
                var plan = await PlanAsync(steps, runner, environment, migrations, cancellationToken);
                return Report(message, instruction, task, startedAt, ReportOutcome.Succeeded) with
                {
                    Migrations = new ReportMigrations(true, plan.Current, plan.Current, plan.Summary), Steps = ExecutionReport.StepsOf(steps.Records),
                };
            }
            catch (DevOpsAgentException error)
            {
                return Report(message, instruction, task, startedAt, error.ExitCode == ExitCodes.Refused ? ReportOutcome.Refused : ReportOutcome.Failed) with
                {
                    Reason = error.Message, Steps = ExecutionReport.StepsOf(steps.Records), ExitCode = error.ExitCode,
                };
            }
        }

        MigrationPlan? planned = null;
        string? after = null;
        var result = await new OperationEnvelope(runner, context.History, context.Observer, context.Time).RunAsync(
            environment, "migrate", "head", context.Actor, task.Id, async (steps, operation, ct) =>
            {
                var plan = planned = await PlanAsync(steps, runner, environment, migrations, ct);
                after = plan.Current;
                if (plan.Pending.Count == 0)
                {
                    return null;
                }

                if (plan.Head is null || plan.WithoutDowngrade.Any())
                {
                    throw new RefusedException($"Refused: {plan.Summary}; a migration that cannot be undone (or several heads) is only run by a deploy with its pre-flight.");
                }

                // A migration can stop half-way: from here on the journal says so.
                await operation.UpdateAsync(j => j with { Switched = true }, ct);
                var coordinator = new MigrationCoordinator(runner, new AlembicCommands(await ComposeDetection.ForEnvironmentAsync(runner, environment, ct), migrations), context.Time);
                after = await steps.RunAsync("migrate", () => coordinator.UpgradeAsync(plan, ct, context.Observer.Output), ct);
                return after;
            }, cancellationToken);
        var summary = planned is null ? null
            : planned.Pending.Count > 0 && result.ExitCode == ExitCodes.Success ? $"{planned.Current ?? "base"} → {after ?? "base"}: applied {planned.Pending.Count}" : planned.Summary;
        return Report(message, instruction, task, startedAt, Outcome(result)) with
        {
            Reason = result.Error?.Message,
            Migrations = planned is null ? null : new ReportMigrations(true, planned.Current, after, summary!),
            Steps = ExecutionReport.StepsOf(result.Record.Steps),
            ExitCode = result.ExitCode,
        };
    }

    private async Task<MigrationPlan> PlanAsync(DeploySteps steps, Execution.ICommandRunner runner, Configuration.EnvironmentConfig environment, MigrationsConfig migrations, CancellationToken ct)
    {
        var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, ct), ct);
        var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), context.Time);
        return await steps.RunAsync("migrations plan", () => coordinator.PlanAsync(ct), ct);
    }
}
