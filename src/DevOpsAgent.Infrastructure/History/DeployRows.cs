using System.Data.Common;
using System.Text.Json;
using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Infrastructure.History;

/// <summary>
/// The one mapping from a history row to a record, for SQLite and PostgreSQL alike: both tables name their columns the
/// same; only how a time is stored differs (ISO 8601 text, timestamptz), so each store passes how it reads one.
/// </summary>
internal static class DeployRows
{
    /// <summary>The columns <see cref="Read"/> expects, in this order.</summary>
    public const string Columns = """
        id, action, environment, ref, commit_id, previous_commit, version, started_by, task_id, started_at, finished_at,
        outcome, health_summary, error, revision_before, revision_after, migrations, backup, preflight, preflight_override, qa_approved_by
        """;

    /// <summary>The step columns <see cref="ReadStep"/> expects from <c>first</c> on.</summary>
    public const string StepColumns = "name, started_at, duration_ms, outcome, detail";

    public static DeployRecord Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time) => new()
    {
        Id = reader.GetString(0),
        Action = reader.GetString(1),
        Environment = reader.GetString(2),
        Ref = reader.GetString(3),
        Commit = Nullable(reader, 4),
        PreviousCommit = Nullable(reader, 5),
        Version = Nullable(reader, 6),
        StartedBy = reader.GetString(7),
        TaskId = Nullable(reader, 8),
        StartedAt = time(reader, 9),
        FinishedAt = reader.IsDBNull(10) ? null : time(reader, 10),
        Outcome = Enum.Parse<DeployOutcome>(reader.GetString(11)),
        HealthSummary = reader.GetString(12),
        Error = Nullable(reader, 13),
        RevisionBefore = Nullable(reader, 14),
        RevisionAfter = Nullable(reader, 15),
        Migrations = Nullable(reader, 16),
        Backup = Nullable(reader, 17),
        // NULL only in SQLite databases older than the preflight column.
        Preflight = Nullable(reader, 18) is { } preflight ? JsonSerializer.Deserialize<List<PreflightItem>>(preflight) ?? [] : [],
        PreflightOverride = Nullable(reader, 19),
        QaApprovedBy = Nullable(reader, 20),
    };

    public static StepRecord ReadStep(DbDataReader reader, int first, Func<DbDataReader, int, DateTimeOffset> time) =>
        new(reader.GetString(first), time(reader, first + 1), TimeSpan.FromMilliseconds(reader.GetInt64(first + 2)),
            Enum.Parse<StepOutcome>(reader.GetString(first + 3)), reader.GetString(first + 4));

    private static string? Nullable(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
