using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.History;
using Npgsql;

namespace DevOpsAgent.IntegrationTests.History;

/// <summary>A fresh database on the test bed's history PostgreSQL (testbed.sh), dropped when disposed.</summary>
public sealed class HistoryDatabase : IAsyncDisposable
{
    private HistoryDatabase(PostgresLocation location) => Location = location;

    /// <summary>The bed's own database URL; its password is the canary the secret tests look for.</summary>
    public static PostgresLocation Bed => HistoryLocation.Parse(TestBed.Current["DEVOPS_TESTBED_HISTORY_URL"], "testbed.env").Postgres!;

    public PostgresLocation Location { get; }

    public string Url => $"postgresql://{Location.User}:{Location.Password}@{Location.Host}:{Location.Port}/{Location.Database}";

    public static async Task<HistoryDatabase> CreateAsync()
    {
        var name = "h_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = await OpenBedAsync())
        await using (var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new HistoryDatabase(new PostgresLocation { Host = Bed.Host, Port = Bed.Port, Database = name, User = Bed.User, Password = Bed.Password });
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(Location));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Every row's first column, one per line (EXPLAIN's plan).</summary>
    public async Task<string> TextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(Location));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = await OpenBedAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Location.Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenBedAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString(Bed));
        await connection.OpenAsync();
        return connection;
    }

    private static string ConnectionString(PostgresLocation location) => new NpgsqlConnectionStringBuilder
    {
        Host = location.Host, Port = location.Port, Database = location.Database, Username = location.User, Password = location.Password, Pooling = false,
    }.ConnectionString;
}

/// <summary>Records with every field set, for round trips.</summary>
public static class SampleRecords
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 30, 15, 123, TimeSpan.Zero);

    public static DeployRecord Full(string id, string environment = "staging", int minutes = 0, int steps = 2) => new()
    {
        Id = id,
        Action = "deploy",
        Environment = environment,
        Ref = "v1.2.0",
        Commit = "0123456789abcdef0123456789abcdef01234567",
        PreviousCommit = "fedcba9876543210fedcba9876543210fedcba98",
        Version = "v1.2.0",
        StartedBy = "alice@laptop",
        TaskId = "TASK-045",
        StartedAt = T0.AddMinutes(minutes),
        FinishedAt = T0.AddMinutes(minutes).AddSeconds(42.5),
        Outcome = DeployOutcome.RolledBack,
        Steps = [.. Enumerable.Range(0, steps).Select(i => new StepRecord($"step-{i}", T0.AddMinutes(minutes).AddSeconds(i), TimeSpan.FromMilliseconds(1500 + i),
            i == steps - 1 ? StepOutcome.Failed : StepOutcome.Succeeded, $"detail {i} ünïcode ✓"))],
        HealthSummary = "http http://localhost:8080/health: passed\nfrontend: failed",
        Error = "health check failed",
        RevisionBefore = "a1",
        RevisionAfter = "b2",
        Migrations = "2 pending: b2, c3",
        Backup = "/var/www/shop/.backups/shop-1.sql.gz",
        Preflight = [new PreflightItem("tested on staging", true, "v1.2.0 healthy on staging"), new PreflightItem("qa", false, "no approval")],
        PreflightOverride = "hotfix approved by bob",
        QaApprovedBy = "QA Agent",
    };
}
