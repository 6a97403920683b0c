using System.Net.Sockets;
using System.Text.Json;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.History;
using Npgsql;
using NpgsqlTypes;

namespace DevOpsAgent.Infrastructure.History;

/// <summary>
/// Deploy history shared by a team in PostgreSQL. A save is one transaction: the record is upserted (the row lock
/// orders two saves of one record) and its steps replaced, so a later save never loses its steps and writers of
/// different records never block each other. Errors name the database without its password.
/// </summary>
public sealed class PostgresDeployHistory : IDeployHistory, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _migrated = new(1, 1);
    private bool _isMigrated;

    public PostgresDeployHistory(PostgresLocation location)
    {
        Location = location;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = location.Host,
            Port = location.Port,
            Database = location.Database,
            Username = location.User,
            Password = location.Password,
            Timeout = 10,
            ApplicationName = "devops-agent",
            // Many agents share one server (max_connections is 100 by default); a burst of saves waits for a connection instead.
            MaxPoolSize = 8,
            // The password is dropped from the connection's ConnectionString once open, so nothing can echo it later.
            PersistSecurityInfo = false,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public PostgresLocation Location { get; }

    /// <summary>Applies missing schema migrations (once per instance); returns how many this call applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrated.WaitAsync(cancellationToken);
        try
        {
            if (_isMigrated)
            {
                return 0;
            }

            var applied = await Guard(() => PostgresSchema.MigrateAsync(_dataSource, cancellationToken));
            _isMigrated = true;
            return applied;
        }
        finally
        {
            _migrated.Release();
        }
    }

    public async Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        await Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var upsert = new NpgsqlCommand($"""
                INSERT INTO devops_agent_deploys ({DeployRows.Columns})
                VALUES (@id, @action, @environment, @ref, @commit, @previous, @version, @startedBy, @task, @startedAt, @finishedAt,
                    @outcome, @health, @error, @revisionBefore, @revisionAfter, @migrations, @backup, @preflight, @override, @qa)
                ON CONFLICT (id) DO UPDATE SET action = excluded.action, environment = excluded.environment, ref = excluded.ref,
                    commit_id = excluded.commit_id, previous_commit = excluded.previous_commit, version = excluded.version,
                    started_by = excluded.started_by, task_id = excluded.task_id, started_at = excluded.started_at,
                    finished_at = excluded.finished_at, outcome = excluded.outcome, health_summary = excluded.health_summary,
                    error = excluded.error, revision_before = excluded.revision_before, revision_after = excluded.revision_after,
                    migrations = excluded.migrations, backup = excluded.backup, preflight = excluded.preflight,
                    preflight_override = excluded.preflight_override, qa_approved_by = excluded.qa_approved_by
                """, connection, transaction))
            {
                Add(upsert, "id", record.Id);
                Add(upsert, "action", record.Action);
                Add(upsert, "environment", record.Environment);
                Add(upsert, "ref", record.Ref);
                Add(upsert, "commit", record.Commit);
                Add(upsert, "previous", record.PreviousCommit);
                Add(upsert, "version", record.Version);
                Add(upsert, "startedBy", record.StartedBy);
                Add(upsert, "task", record.TaskId);
                upsert.Parameters.Add(new NpgsqlParameter("startedAt", NpgsqlDbType.TimestampTz) { Value = record.StartedAt.UtcDateTime });
                upsert.Parameters.Add(new NpgsqlParameter("finishedAt", NpgsqlDbType.TimestampTz) { Value = (object?)record.FinishedAt?.UtcDateTime ?? DBNull.Value });
                Add(upsert, "outcome", record.Outcome.ToString());
                Add(upsert, "health", record.HealthSummary);
                Add(upsert, "error", record.Error);
                Add(upsert, "revisionBefore", record.RevisionBefore);
                Add(upsert, "revisionAfter", record.RevisionAfter);
                Add(upsert, "migrations", record.Migrations);
                Add(upsert, "backup", record.Backup);
                upsert.Parameters.Add(new NpgsqlParameter("preflight", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(record.Preflight) });
                Add(upsert, "override", record.PreflightOverride);
                Add(upsert, "qa", record.QaApprovedBy);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var steps = new NpgsqlCommand("""
                DELETE FROM devops_agent_deploy_steps WHERE deploy_id = @id;
                INSERT INTO devops_agent_deploy_steps (deploy_id, position, name, started_at, duration_ms, outcome, detail)
                SELECT @id, s.* FROM unnest(@positions, @names, @starts, @durations, @outcomes, @details) AS s;
                """, connection, transaction))
            {
                Add(steps, "id", record.Id);
                steps.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = Enumerable.Range(0, record.Steps.Count).ToArray() });
                steps.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = record.Steps.Select(s => s.Name).ToArray() });
                steps.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = record.Steps.Select(s => s.StartedAt.UtcDateTime).ToArray() });
                steps.Parameters.Add(new NpgsqlParameter("durations", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = record.Steps.Select(s => (long)s.Duration.TotalMilliseconds).ToArray() });
                steps.Parameters.Add(new NpgsqlParameter("outcomes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = record.Steps.Select(s => s.Outcome.ToString()).ToArray() });
                steps.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = record.Steps.Select(s => s.Detail).ToArray() });
                await steps.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return 0;
        });
    }

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        PageAsync(environment, 0, limit, cancellationToken);

    public Task<IReadOnlyList<DeployRecord>> PageAsync(string? environment, int skip, int limit, CancellationToken cancellationToken) =>
        // Two statements rather than "@environment IS NULL OR …", so each has a plan that walks its newest-first index.
        QueryAsync(ListWhere(environment is not null), command =>
            {
                if (environment is not null)
                {
                    command.Parameters.Add(new NpgsqlParameter("environment", NpgsqlDbType.Text) { Value = environment });
                }

                command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
                command.Parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = skip });
            }, cancellationToken);

    /// <summary>The statement a list runs; public so tests can EXPLAIN exactly that.</summary>
    private static string ListWhere(bool byEnvironment) =>
        (byEnvironment ? "WHERE environment = @environment " : "") + "ORDER BY started_at DESC, seq DESC LIMIT @limit OFFSET @skip";

    public static string ListSql(bool byEnvironment) => $"SELECT {DeployRows.Columns} FROM devops_agent_deploys {ListWhere(byEnvironment)}";

    public async Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @id", command => Add(command, "id", id), cancellationToken)).SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _migrated.Dispose();
    }

    private async Task<IReadOnlyList<DeployRecord>> QueryAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        return await Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            // One snapshot for the records and their steps, so a concurrent save cannot pair a record with other steps.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var records = new List<DeployRecord>();
            await using (var command = new NpgsqlCommand($"SELECT {DeployRows.Columns} FROM devops_agent_deploys {where}", connection, transaction))
            {
                bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    records.Add(DeployRows.Read(reader, Time));
                }
            }

            if (records.Count == 0)
            {
                return (IReadOnlyList<DeployRecord>)records;
            }

            var steps = records.ToDictionary(r => r.Id, _ => new List<StepRecord>());
            await using (var command = new NpgsqlCommand($"""
                SELECT deploy_id, {DeployRows.StepColumns} FROM devops_agent_deploy_steps
                WHERE deploy_id = ANY(@ids) ORDER BY deploy_id, position
                """, connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = steps.Keys.ToArray() });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    steps[reader.GetString(0)].Add(DeployRows.ReadStep(reader, 1, Time));
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return records.Select(r => r with { Steps = steps[r.Id] }).ToList();
        });
    }

    /// <summary>
    /// Failures reaching or logging in to the database become one line naming it without its password. Npgsql's own
    /// messages never carry the connection string; the inner exception is kept for --verbose.
    /// </summary>
    private async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PostgresException error) when (error.SqlState.StartsWith("28", StringComparison.Ordinal) || error.SqlState is "3D000")
        {
            throw new ConnectionFailedException($"history database {Location.Display} refused the connection: {error.MessageText}", error);
        }
        catch (NpgsqlException error) when (error is not PostgresException)
        {
            throw new ConnectionFailedException($"history database {Location.Display} is unreachable: {Reason(error)}", error);
        }
        catch (PostgresException error)
        {
            throw new DevOpsAgentException($"history database {Location.Display} cannot be used: {error.MessageText}", ExitCodes.InvalidConfiguration, error);
        }
    }

    private static string Reason(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException or TimeoutException)
            {
                return inner.Message;
            }
        }

        return error.Message;
    }

    private static void Add(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static DateTimeOffset Time(System.Data.Common.DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
