using System.Globalization;
using System.Text.Json;
using DevOpsAgent.Core.Deploy;
using Microsoft.Data.Sqlite;

namespace DevOpsAgent.Infrastructure.History;

/// <summary>Deploy history in an embedded SQLite database on the operator's machine.</summary>
public sealed class SqliteDeployHistory : IDeployHistory
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS deploys (
            id TEXT PRIMARY KEY, environment TEXT NOT NULL, ref TEXT NOT NULL, commit_id TEXT, previous_commit TEXT,
            version TEXT, started_by TEXT NOT NULL, task_id TEXT, started_at TEXT NOT NULL, finished_at TEXT,
            outcome TEXT NOT NULL, health_summary TEXT NOT NULL, error TEXT);
        CREATE INDEX IF NOT EXISTS deploys_by_environment ON deploys (environment, started_at);
        CREATE INDEX IF NOT EXISTS deploys_newest ON deploys (started_at);
        CREATE TABLE IF NOT EXISTS deploy_steps (
            deploy_id TEXT NOT NULL REFERENCES deploys (id) ON DELETE CASCADE, position INTEGER NOT NULL,
            name TEXT NOT NULL, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
            PRIMARY KEY (deploy_id, position));
        """;

    /// <summary>Columns added after the first release of the schema, added to older databases on open.</summary>
    private static readonly string[] AddedColumns =
        ["revision_before TEXT", "revision_after TEXT", "migrations TEXT", "backup TEXT", "preflight TEXT", "preflight_override TEXT", "qa_approved_by TEXT", "action TEXT NOT NULL DEFAULT 'deploy'"];

    private readonly string _connectionString;

    public SqliteDeployHistory(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        Path = path;
    }

    public string Path { get; }

    /// <summary>$DEVOPS_AGENT_HISTORY, else $XDG_DATA_HOME/devops-agent/history.db, else ~/.local/share/….</summary>
    public static string DefaultPath()
    {
        var explicitPath = Environment.GetEnvironmentVariable("DEVOPS_AGENT_HISTORY");
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
        {
            data = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return System.IO.Path.Combine(data, "devops-agent", "history.db");
    }

    public async Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT OR REPLACE INTO deploys (id, environment, ref, commit_id, previous_commit, version, started_by, task_id,
                started_at, finished_at, outcome, health_summary, error, revision_before, revision_after, migrations, backup,
                preflight, preflight_override, qa_approved_by, action)
            VALUES ($id, $environment, $ref, $commit, $previous, $version, $startedBy, $task, $startedAt, $finishedAt, $outcome,
                $health, $error, $revisionBefore, $revisionAfter, $migrations, $backup, $preflight, $override, $qa, $action)
            """, cancellationToken,
            ("$revisionBefore", record.RevisionBefore), ("$revisionAfter", record.RevisionAfter), ("$migrations", record.Migrations),
            ("$backup", record.Backup), ("$preflight", JsonSerializer.Serialize(record.Preflight)), ("$override", record.PreflightOverride),
            ("$qa", record.QaApprovedBy), ("$action", record.Action),
            ("$id", record.Id), ("$environment", record.Environment), ("$ref", record.Ref), ("$commit", record.Commit),
            ("$previous", record.PreviousCommit), ("$version", record.Version), ("$startedBy", record.StartedBy), ("$task", record.TaskId),
            ("$startedAt", Format(record.StartedAt)), ("$finishedAt", record.FinishedAt is { } f ? Format(f) : null),
            ("$outcome", record.Outcome.ToString()), ("$health", record.HealthSummary), ("$error", record.Error));
        await ExecuteAsync(connection, transaction, "DELETE FROM deploy_steps WHERE deploy_id = $id", cancellationToken, ("$id", record.Id));
        for (var i = 0; i < record.Steps.Count; i++)
        {
            var step = record.Steps[i];
            await ExecuteAsync(connection, transaction, "INSERT INTO deploy_steps VALUES ($id, $position, $name, $startedAt, $duration, $outcome, $detail)",
                cancellationToken, ("$id", record.Id), ("$position", i), ("$name", step.Name), ("$startedAt", Format(step.StartedAt)),
                ("$duration", (long)step.Duration.TotalMilliseconds), ("$outcome", step.Outcome.ToString()), ("$detail", step.Detail));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        PageAsync(environment, 0, limit, cancellationToken);

    public Task<IReadOnlyList<DeployRecord>> PageAsync(string? environment, int skip, int limit, CancellationToken cancellationToken) =>
        QueryAsync("WHERE $environment IS NULL OR environment = $environment ORDER BY started_at DESC, rowid DESC LIMIT $limit OFFSET $skip",
            cancellationToken, ("$environment", environment), ("$limit", limit), ("$skip", skip));

    public async Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $id", cancellationToken, ("$id", id))).SingleOrDefault();

    private async Task<IReadOnlyList<DeployRecord>> QueryAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var records = new List<DeployRecord>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {DeployRows.Columns} FROM deploys {where}";
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(DeployRows.Read(reader, Time));
            }
        }

        for (var i = 0; i < records.Count; i++)
        {
            records[i] = records[i] with { Steps = await StepsAsync(connection, records[i].Id, cancellationToken) };
        }

        return records;
    }

    private static async Task<IReadOnlyList<StepRecord>> StepsAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DeployRows.StepColumns} FROM deploy_steps WHERE deploy_id = $id ORDER BY position";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var steps = new List<StepRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(DeployRows.ReadStep(reader, 0, Time));
        }

        return steps;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;" + Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "SELECT name FROM pragma_table_info('deploys')";
        var existing = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }

        foreach (var column in AddedColumns.Where(c => !existing.Contains(c.Split(' ')[0])))
        {
            command.CommandText = $"ALTER TABLE deploys ADD COLUMN {column}";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(System.Data.Common.DbDataReader reader, int ordinal) => Parse(reader.GetString(ordinal));

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
