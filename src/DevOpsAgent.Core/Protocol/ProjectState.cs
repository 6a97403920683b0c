using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Protocol;

/// <summary>Where a task is in the Orchestrator's workflow. DevOps Agent works on assigned and in-progress tasks only.</summary>
public enum WorkStatus
{
    Todo,
    Assigned,
    InProgress,
    InReview,
    Qa,
    Done,
    Blocked,
    Cancelled,
}

/// <summary>QA's verdict on a task's release, written by QA through the Orchestrator.</summary>
public enum QaStatus
{
    None,
    Pending,
    Approved,
    Rejected,
}

/// <summary>One task of the project state.</summary>
public sealed record ProjectTask
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Assignee { get; init; }

    public required WorkStatus Status { get; init; }

    /// <summary>The environment the task targets, when the Orchestrator set one.</summary>
    public string? Environment { get; init; }

    /// <summary>The branch or tag the task ships, when the Orchestrator set one.</summary>
    public GitRef? Ref { get; init; }

    public QaStatus Qa { get; init; } = QaStatus.None;

    public string? QaBy { get; init; }

    /// <summary>"DevOps Agent", "devops-agent", "devops": letters only, case ignored.</summary>
    public bool IsAssignedToDevOps => new string([.. Assignee.Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]) is "devopsagent" or "devops";
}

/// <summary>
/// The Orchestrator's project-state file (YAML or JSON), read-only for this agent. Validated at load with
/// path-qualified errors, like devops-agent.yml.
/// </summary>
public sealed record ProjectState(IReadOnlyList<ProjectTask> Tasks)
{
    public ProjectTask? Find(string taskId) => Tasks.FirstOrDefault(t => string.Equals(t.Id, taskId, StringComparison.OrdinalIgnoreCase));

    public static ProjectState Read(ConfigNode root, string source)
    {
        var reader = new ConfigReader(new Dictionary<string, string>());
        var mapping = reader.Mapping(root) ?? throw new ConfigurationException(source, reader.Problems);
        reader.AllowOnly(mapping, "version", "project", "tasks");
        var tasks = new List<ProjectTask>();
        switch (mapping["tasks"])
        {
            case null:
                reader.Problem("tasks", "required (a list of tasks)");
                break;
            case ConfigSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (reader.Mapping(item) is { } task && ReadTask(reader, task) is { } read)
                    {
                        tasks.Add(read);
                    }
                }

                break;
            case var other:
                reader.Problem(other, "should be a list of tasks");
                break;
        }

        foreach (var duplicate in tasks.GroupBy(t => t.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            reader.Problem("tasks", $"{duplicate.Key} appears {duplicate.Count()} times");
        }

        return reader.Problems.Count > 0 ? throw new ConfigurationException(source, reader.Problems) : new ProjectState(tasks);
    }

    private static ProjectTask? ReadTask(ConfigReader reader, ConfigMapping task)
    {
        reader.AllowOnly(task, "id", "title", "assignee", "status", "environment", "ref", "qa_status", "qa_approved_by");
        var id = reader.RequiredString(task, "id");
        if (id.Length > 0 && !TaskId.IsTaskId(id))
        {
            reader.Problem(task["id"]!, "should be a task id such as TASK-045");
        }

        GitRef? gitRef = null;
        if (reader.String(task, "ref") is { } refName && !GitRef.TryParse(refName, out gitRef, out var reason))
        {
            reader.Problem(task["ref"]!, $"invalid git ref: {reason}");
        }

        return new ProjectTask
        {
            Id = id.ToUpperInvariant(),
            Title = reader.String(task, "title") ?? "",
            Assignee = reader.RequiredString(task, "assignee"),
            Status = Enum<WorkStatus>(reader, task, "status", null),
            Environment = reader.String(task, "environment")?.ToLowerInvariant(),
            Ref = gitRef,
            Qa = Enum<QaStatus>(reader, task, "qa_status", QaStatus.None),
            QaBy = reader.String(task, "qa_approved_by"),
        };
    }

    /// <summary>snake_case, kebab-case or spaces: <c>in_progress</c>, <c>in-progress</c>, <c>In Progress</c>.</summary>
    private static T Enum<T>(ConfigReader reader, ConfigMapping mapping, string key, T? defaultValue)
        where T : struct, System.Enum
    {
        var text = defaultValue is null ? reader.RequiredString(mapping, key) : reader.String(mapping, key);
        if (string.IsNullOrEmpty(text))
        {
            return defaultValue ?? default;
        }

        var names = System.Enum.GetNames<T>();
        var wanted = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (names.FirstOrDefault(n => n.Equals(wanted, StringComparison.OrdinalIgnoreCase)) is { } name)
        {
            return System.Enum.Parse<T>(name);
        }

        reader.Problem(mapping[key]!, $"should be one of: {string.Join(", ", names.Select(SnakeCase))}");
        return defaultValue ?? default;
    }

    public static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
