using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// Carries out an EXECUTE message: Layer 2 first (the task must be assigned to this agent), then the
/// production pre-flight, then the instruction; always ends with a report. A refusal is recorded in history.
/// </summary>
public sealed class ProtocolExecutor(ProtocolContext context)
{
    public async Task<ExecutionReport> ExecuteAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        if (message.Mode != MessageMode.Execute || message.TaskId is not { } taskId)
        {
            throw new RefusedException("Only EXECUTE messages with a task are executed.");
        }

        var instruction = InstructionParser.Parse(message, context.EnvironmentNames);
        var startedAt = context.Time.GetUtcNow();
        ProjectTask task;
        try
        {
            task = TaskGate.Authorize(context.LoadState(), context.StateSource, taskId, instruction);
            Preflight(task, instruction);
        }
        catch (RefusedException refusal)
        {
            await context.History.SaveAsync(TaskGate.RefusalRecord(taskId, instruction, context.Actor, refusal.Message, startedAt), cancellationToken);
            return Report(message, instruction, null, startedAt, ReportOutcome.Refused) with { Reason = refusal.Message, ExitCode = ExitCodes.Refused };
        }

        try
        {
            return instruction switch
            {
                DeployInstruction deploy => await DeployAsync(message, deploy, task, startedAt, cancellationToken),
                RestartInstruction restart => await RestartAsync(message, restart, task, startedAt, cancellationToken),
                StatusInstruction status => await StatusAsync(message, status, task, startedAt, cancellationToken),
                _ => Report(message, instruction, task, startedAt, ReportOutcome.Refused) with
                {
                    Reason = $"'{instruction.Describe()}' through a message is not available in this build; use the CLI.",
                    ExitCode = ExitCodes.Refused,
                },
            };
        }
        catch (DevOpsAgentException error)
        {
            return Report(message, instruction, task, startedAt, ReportOutcome.Failed) with { Reason = error.Message, ExitCode = error.ExitCode };
        }
    }

    /// <summary>The seed's production checklist starts with "QA approved": the task's QA status must say so.</summary>
    private void Preflight(ProjectTask task, Instruction instruction)
    {
        if (instruction is DeployInstruction && ProtocolContext.IsProduction(instruction.Environment))
        {
            var qa = QaApproval.FromTask(task, context.StateSource);
            if (!qa.Approved)
            {
                throw new RefusedException($"Pre-flight: QA has not approved {task.Id} ({qa.Source}); production deploys need QA approval. Nothing was done.");
            }
        }
    }

    private async Task<ExecutionReport> DeployAsync(AgentMessage message, DeployInstruction deploy, ProjectTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(deploy.Environment);
        var gitRef = deploy.Ref ?? task.Ref ?? environment.DefaultRef;
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var result = await new DeployWorker(context.Config, runner, context.History, context.Observer, context.Time)
            .DeployAsync(new DeployRequest(environment, gitRef, context.Actor) { TaskId = task.Id }, cancellationToken);
        var record = result.Record;
        var outcome = record.Outcome switch
        {
            DeployOutcome.Succeeded => ReportOutcome.Succeeded,
            DeployOutcome.RolledBack => ReportOutcome.RolledBack,
            _ => ReportOutcome.Failed,
        };
        return Report(message, deploy, task, startedAt, outcome) with
        {
            Reason = record.Error,
            Release = new ReportRelease(record.Ref, record.Version, record.Commit, record.PreviousCommit),
            Health = ExecutionReport.Checks(result.Health),
            Steps = ExecutionReport.StepsOf(record.Steps),
            ExitCode = outcome == ReportOutcome.RolledBack ? ExitCodes.RolledBack : result.ExitCode,
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

    private ExecutionReport Report(AgentMessage message, Instruction instruction, ProjectTask? task, DateTimeOffset startedAt, ReportOutcome outcome)
    {
        var taskId = task?.Id ?? message.TaskId;
        return new ExecutionReport
        {
            Message = $"DevOps Agent [EXECUTE {message.TaskId}]: {message.Body}",
            Task = taskId,
            TaskTitle = task?.Title,
            Action = instruction.Action,
            Environment = instruction.Environment,
            Outcome = outcome,
            StartedAt = startedAt,
            FinishedAt = context.Time.GetUtcNow(),
            NextStep = ExecutionReport.SuggestNextStep(outcome, instruction.Action, instruction.Environment, taskId, ProtocolContext.IsProduction(instruction.Environment)),
            ExitCode = ExitCodes.Success,
        };
    }
}
