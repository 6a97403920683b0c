using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// Layer 2: an EXECUTE is carried out only for a task the Orchestrator assigned to DevOps Agent, in a status
/// that allows work, for the environment (and release) the task names. Production also needs QA's approval.
/// </summary>
public static class TaskGate
{
    public static readonly IReadOnlySet<WorkStatus> Workable = new HashSet<WorkStatus> { WorkStatus.Assigned, WorkStatus.InProgress };

    /// <summary>Returns the task when the instruction may proceed; throws <see cref="RefusedException"/> saying why not.</summary>
    public static ProjectTask Authorize(ProjectState? state, string? stateSource, string taskId, Instruction instruction)
    {
        // Nothing may run for this task: what can still be asked is the environment's status, read-only.
        var consult = $"DevOps Agent [CONSULT]: {instruction.Environment} status";
        if (state is null)
        {
            throw Refused($"{taskId}: no project state is configured (orchestrator/project_state in devops-agent.yml), "
                + "so the assignment cannot be verified; nothing was done.", consult);
        }

        var task = state.Find(taskId)
            ?? throw Refused($"{taskId} is not in the project state ({InputText.Quote(stateSource ?? "")}); nothing was done.", consult);
        if (!task.IsAssignedToDevOps)
        {
            throw Refused($"{task.Id} is assigned to {InputText.Quote(task.Assignee)}, not to DevOps Agent; nothing was done.", consult);
        }

        if (!Workable.Contains(task.Status))
        {
            throw Refused($"{task.Id} is {ProjectState.SnakeCase(task.Status.ToString())}; DevOps Agent works on assigned or in_progress tasks only. Nothing was done.", consult);
        }

        if (task.Environment is { } target && target != instruction.Environment)
        {
            throw Refused($"{task.Id} targets {target}, not {instruction.Environment}; nothing was done.",
                Suggestion.For(MessageMode.Execute, task.Id, $"{instruction.Action} {target}", [target]));
        }

        if (instruction is DeployInstruction { Ref: { } asked } && task.Ref is { } planned && asked.Name != planned.Name)
        {
            // "feature" is the task's own ref, whatever its name.
            throw Refused($"{task.Id} ships {planned}, not {asked}; nothing was done.",
                $"DevOps Agent [EXECUTE {task.Id}]: Deploy feature to {instruction.Environment}");
        }

        return task;
    }

    private static RefusedException Refused(string reason, string suggestion) => new($"{reason} Did you mean \"{suggestion}\"?");

    /// <summary>What history keeps of a refused EXECUTE: who, which task, where, and why.</summary>
    public static DeployRecord RefusalRecord(string taskId, Instruction instruction, string startedBy, string reason, DateTimeOffset now) => new()
    {
        Id = Operations.OperationId.New(now, instruction.Environment, "refused"),
        Environment = instruction.Environment,
        Action = instruction.Action,
        Ref = instruction switch { DeployInstruction { Ref: { } r } => r.Name, RollbackInstruction { To: { } to } => to.Name, _ => "-" },
        StartedBy = startedBy,
        TaskId = taskId,
        StartedAt = now,
        FinishedAt = now,
        Outcome = DeployOutcome.Refused,
        Error = reason,
    };
}
