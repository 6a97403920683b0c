using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// Carries out an EXECUTE message: Layer 2 first (the task must be assigned to this agent), then the
/// instruction, whose production deploys go through the deploy worker's pre-flight with the task's QA status;
/// always ends with a report. A Layer 2 refusal is recorded in history.
/// </summary>
public sealed partial class ProtocolExecutor(ProtocolContext context)
{
    public async Task<ExecutionReport> ExecuteAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        if (message.Mode != MessageMode.Execute || message.TaskId is not { } taskId)
        {
            throw new RefusedException("Only EXECUTE messages with a task are executed.");
        }

        return await ExecuteAsync(message, InstructionParser.Parse(message, context.EnvironmentNames), cancellationToken);
    }

    /// <summary>
    /// Carries out an instruction built from typed arguments (the MCP tools), through the same Layer 2 and report
    /// as a parsed message: <paramref name="message"/> only says, in reports, what was asked.
    /// </summary>
    public async Task<ExecutionReport> ExecuteAsync(AgentMessage message, Instruction instruction, CancellationToken cancellationToken)
    {
        if (message.Mode != MessageMode.Execute || message.TaskId is not { } taskId)
        {
            throw new RefusedException("Only EXECUTE messages with a task are executed.");
        }

        var startedAt = context.Time.GetUtcNow();
        ProjectTask task;
        try
        {
            task = TaskGate.Authorize(context.LoadState(), context.StateSource, taskId, instruction);
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
                RollbackInstruction rollback => await RollbackAsync(message, rollback, task, startedAt, cancellationToken),
                MigrationsInstruction migrations => await MigrationsAsync(message, migrations, task, startedAt, cancellationToken),
                _ => throw new InvalidOperationException($"No handler for {instruction}."),
            };
        }
        catch (DevOpsAgentException error)
        {
            var outcome = error.ExitCode == ExitCodes.Refused ? ReportOutcome.Refused : ReportOutcome.Failed;
            return Report(message, instruction, task, startedAt, outcome) with { Reason = error.Message, ExitCode = error.ExitCode };
        }
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
            NextStep = ExecutionReport.SuggestNextStep(outcome, instruction.Action, instruction.Environment, taskId, context.IsProductionEnvironment(instruction.Environment)),
            ExitCode = ExitCodes.Success,
        };
    }
}
