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
        if (state is null)
        {
            throw new RefusedException($"{taskId}: no project state is configured (orchestrator/project_state in devops-agent.yml), "
                + "so the assignment cannot be verified; nothing was done.");
        }

        var task = state.Find(taskId)
            ?? throw new RefusedException($"{taskId} is not in the project state ({InputText.Quote(stateSource ?? "")}); nothing was done.");
        if (!task.IsAssignedToDevOps)
        {
            throw new RefusedException($"{task.Id} is assigned to {InputText.Quote(task.Assignee)}, not to DevOps Agent; nothing was done.");
        }

        if (!Workable.Contains(task.Status))
        {
            throw new RefusedException($"{task.Id} is {ProjectState.SnakeCase(task.Status.ToString())}; DevOps Agent works on assigned or in_progress tasks only. Nothing was done.");
        }

        if (task.Environment is { } target && target != instruction.Environment)
        {
            throw new RefusedException($"{task.Id} targets {target}, not {instruction.Environment}; nothing was done.");
        }

        if (instruction is DeployInstruction { Ref: { } asked } && task.Ref is { } planned && asked.Name != planned.Name)
        {
            throw new RefusedException($"{task.Id} ships {planned}, not {asked}; nothing was done.");
        }

        return task;
    }

    /// <summary>What history keeps of a refused EXECUTE: who, which task, where, and why.</summary>
    public static DeployRecord RefusalRecord(string taskId, Instruction instruction, string startedBy, string reason, DateTimeOffset now) => new()
    {
        Id = $"{now:yyyyMMddHHmmss}-{instruction.Environment}-refused-{Guid.NewGuid().ToString("N")[..6]}",
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
