namespace DevOpsAgent.Core.Deploy;

public enum DeployOutcome
{
    Running,
    Succeeded,
    Failed,
    RolledBack,
    Planned,

    /// <summary>An EXECUTE refused before anything ran (Layer 2: the task was missing or not assigned).</summary>
    Refused,
}

public enum StepOutcome
{
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One step of a deploy, as history keeps it.</summary>
public sealed record StepRecord(string Name, DateTimeOffset StartedAt, TimeSpan Duration, StepOutcome Outcome, string Detail);

/// <summary>Everything history keeps about one deploy.</summary>
public sealed record DeployRecord
{
    public required string Id { get; init; }

    /// <summary><c>deploy</c> or <c>rollback</c>; for a refused EXECUTE, the instruction's action (restart, migrate, …).</summary>
    public string Action { get; init; } = "deploy";

    public required string Environment { get; init; }

    public required string Ref { get; init; }

    public string? Commit { get; init; }

    public string? PreviousCommit { get; init; }

    /// <summary>The release name: the tag at the commit, else the short commit id.</summary>
    public string? Version { get; init; }

    public required string StartedBy { get; init; }

    public string? TaskId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DeployOutcome Outcome { get; init; } = DeployOutcome.Running;

    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    /// <summary>One line per health check, e.g. <c>http http://localhost:8080/health: passed</c>.</summary>
    public string HealthSummary { get; init; } = "";

    /// <summary>Why the deploy failed, in one line; never a secret.</summary>
    public string? Error { get; init; }

    /// <summary>The alembic revision before the deploy (null: none, or no migrations configured).</summary>
    public string? RevisionBefore { get; init; }

    /// <summary>The alembic revision the deploy left the database at.</summary>
    public string? RevisionAfter { get; init; }

    /// <summary>What the migration plan said: pending revisions, missing downgrades.</summary>
    public string? Migrations { get; init; }

    /// <summary>The database backup taken before production migrations, on the server.</summary>
    public string? Backup { get; init; }

    /// <summary>The production pre-flight checklist, item by item.</summary>
    public IReadOnlyList<PreflightItem> Preflight { get; init; } = [];

    /// <summary>Why a failed pre-flight was overridden, when it was.</summary>
    public string? PreflightOverride { get; init; }

    public string? QaApprovedBy { get; init; }

    public TimeSpan? Duration => FinishedAt - StartedAt;
}
