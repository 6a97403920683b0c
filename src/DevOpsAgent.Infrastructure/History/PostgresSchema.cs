using Npgsql;

namespace DevOpsAgent.Infrastructure.History;

/// <summary>
/// The history tables in a shared PostgreSQL database, all named <c>devops_agent_…</c> so they can live beside an
/// application's own. Migrations are numbered, only ever appended, never drop data, and run in one transaction under
/// a transaction-scoped advisory lock, so several agents opening a fresh database at once apply each exactly once.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_xact_lock key: an arbitrary constant ("devops_a" in ASCII) other users of the database are unlikely to pick.</summary>
    private const long LockKey = 0x6465766F70735F61;

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE devops_agent_deploys (
            id text PRIMARY KEY, action text NOT NULL, environment text NOT NULL, ref text NOT NULL, commit_id text,
            previous_commit text, version text, started_by text NOT NULL, task_id text, started_at timestamptz NOT NULL,
            finished_at timestamptz, outcome text NOT NULL, health_summary text NOT NULL, error text, revision_before text,
            revision_after text, migrations text, backup text, preflight jsonb NOT NULL DEFAULT '[]', preflight_override text,
            qa_approved_by text, seq bigserial NOT NULL);
        CREATE TABLE devops_agent_deploy_steps (
            deploy_id text NOT NULL REFERENCES devops_agent_deploys (id) ON DELETE CASCADE, position integer NOT NULL,
            name text NOT NULL, started_at timestamptz NOT NULL, duration_ms bigint NOT NULL, outcome text NOT NULL,
            detail text NOT NULL, PRIMARY KEY (deploy_id, position));
        CREATE INDEX devops_agent_deploys_newest ON devops_agent_deploys (started_at DESC, seq DESC);
        CREATE INDEX devops_agent_deploys_environment_newest ON devops_agent_deploys (environment, started_at DESC, seq DESC);
        """,
    ];

    /// <summary>Brings the schema to the latest version; returns how many migrations this call applied.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({LockKey});
            CREATE TABLE IF NOT EXISTS devops_agent_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM devops_agent_schema", connection, transaction))
        {
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
        }

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            await using var command = new NpgsqlCommand(Migrations[version - 1] + $"; INSERT INTO devops_agent_schema (version) VALUES ({version})", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Math.Max(0, Migrations.Length - current);
    }
}

/// <summary>The schema version this build brings a database to.</summary>
public static class PostgresSchemaVersions
{
    public static int Latest => PostgresSchema.Migrations.Length;
}
