namespace DevOpsAgent.Core.Protocol;

/// <summary>QA's verdict on a release as the production pre-flight needs it: approved or not, by whom, and where it was read.</summary>
public sealed record QaApproval(bool Approved, string? ApprovedBy, string Source)
{
    public static QaApproval FromTask(ProjectTask task, string? source) =>
        new(task.Qa == QaStatus.Approved, task.QaBy, $"{task.Id} in {source ?? "the project state"} (qa_status: {ProjectState.SnakeCase(task.Qa.ToString())})");
}
