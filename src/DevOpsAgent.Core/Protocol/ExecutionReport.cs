using System.Text.Json;
using System.Text.Json.Serialization;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Protocol;

public enum ReportOutcome
{
    Succeeded,
    Failed,
    RolledBack,
    Refused,
}

/// <summary>What was deployed: the ref asked for, the release name, the commit, and the commit it replaced.</summary>
public sealed record ReportRelease(string Ref, string? Version, string? Commit, string? PreviousCommit);

/// <summary>The migration coordination (the seed's "Database Agent: migrations needed?"): revisions before and after, and the plan.</summary>
public sealed record ReportMigrations(bool Checked, string? RevisionBefore, string? RevisionAfter, string Summary);

/// <summary>One item of the production pre-flight checklist.</summary>
public sealed record ReportPreflightItem(string Name, bool Passed, string Reason);

/// <summary>One health check: passed, failed or warning.</summary>
public sealed record ReportCheck(string Name, string Verdict, string Detail);

public sealed record ReportStep(string Name, string Outcome, long DurationMs, string Detail);

/// <summary>
/// The report every EXECUTE ends with, for the Orchestrator. Its JSON form is versioned and documented by
/// docs/report.schema.json; change both together and bump <see cref="CurrentSchemaVersion"/> on breaking changes.
/// </summary>
public sealed record ExecutionReport
{
    public const int CurrentSchemaVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string Agent { get; init; } = "DevOps Agent";

    /// <summary>The message as received (cleaned to one line).</summary>
    public required string Message { get; init; }

    public string? Task { get; init; }

    public string? TaskTitle { get; init; }

    public required string Action { get; init; }

    public required string Environment { get; init; }

    public required ReportOutcome Outcome { get; init; }

    /// <summary>Why it failed or was refused, in one line; never a secret.</summary>
    public string? Reason { get; init; }

    public ReportRelease? Release { get; init; }

    public ReportMigrations? Migrations { get; init; }

    public IReadOnlyList<ReportPreflightItem> Preflight { get; init; } = [];

    public IReadOnlyList<ReportCheck> Health { get; init; } = [];

    public IReadOnlyList<ReportStep> Steps { get; init; } = [];

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public long DurationMs => (long)(FinishedAt - StartedAt).TotalMilliseconds;

    /// <summary>What the Orchestrator should do next, as the seed says it (after staging: "QA: validate TASK-045 on staging").</summary>
    public required string NextStep { get; init; }

    /// <summary>The process exit code this outcome maps to.</summary>
    public required int ExitCode { get; init; }

    /// <summary>The JSON form, through the redactor: reasons quote remote stderr, which must never carry a secret out.</summary>
    public string ToJson() => Redaction.Redact(JsonSerializer.Serialize(this, Json));

    public static IReadOnlyList<ReportCheck> Checks(HealthReport? health) =>
        health is null ? [] : [.. health.Checks.Select(c => new ReportCheck(c.Name, c.Passed ? "passed" : c.Blocking ? "failed" : "warning", c.Detail))];

    public static IReadOnlyList<ReportStep> StepsOf(IEnumerable<StepRecord> steps) =>
        [.. steps.Select(s => new ReportStep(s.Name, s.Outcome.ToString().ToLowerInvariant(), (long)s.Duration.TotalMilliseconds, s.Detail))];

    /// <summary>The seed's hand-offs: QA validates what reached staging; production is monitored and reported.</summary>
    public static string SuggestNextStep(ReportOutcome outcome, string action, string environment, string? task, bool production)
    {
        var t = task ?? "the task";
        return (outcome, action) switch
        {
            (ReportOutcome.Succeeded, "deploy") when production =>
                $"Monitor production: `devops-agent logs {environment}` and `devops-agent status {environment}`; report {t} done to the Orchestrator.",
            (ReportOutcome.Succeeded, "deploy") => $"QA: validate {t} on {environment}",
            (ReportOutcome.Succeeded, "rollback") => $"Orchestrator: {environment} runs the previous release again; reassign {t} once it is fixed.",
            (ReportOutcome.Succeeded, _) => $"Orchestrator: {environment} is done for {t}; nothing else is needed.",
            (ReportOutcome.RolledBack, _) => $"Dev: fix the release of {t}; {environment} runs the previous release again, and a new EXECUTE can retry.",
            (ReportOutcome.Refused, _) => $"Orchestrator: check {t} in the project state (assignee, status, environment, QA) and resend.",
            _ => $"Investigate: `devops-agent logs {environment}` and `devops-agent status {environment}`; then retry or roll back {environment}.",
        };
    }
}
