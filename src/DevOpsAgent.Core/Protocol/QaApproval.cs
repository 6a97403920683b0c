namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// QA's verdict on a task's release as the production pre-flight takes it (<see cref="Deploy.DeployRequest.QaApprovedBy"/>):
/// who approved, or null when QA has not.
/// </summary>
public sealed record QaApproval(string? ApprovedBy, string Source)
{
    public bool Approved => ApprovedBy is not null;

    public static QaApproval FromTask(ProjectTask task, string? source) =>
        new(task.Qa == QaStatus.Approved ? task.QaBy ?? $"QA (project state, {task.Id})" : null,
            $"{task.Id} in {source ?? "the project state"} (qa_status: {ProjectState.SnakeCase(task.Qa.ToString())})");
}
