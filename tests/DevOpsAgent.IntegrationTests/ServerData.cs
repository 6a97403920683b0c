using System.Text.Json;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>Reads and writes the shop's data on a test-bed server, through its API and straight from PostgreSQL.</summary>
public static class ServerData
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public static async Task<string> ServedVersionAsync(string server)
    {
        using var health = JsonDocument.Parse(await RunAsync(server, ShellCommand.Of("curl", "-fsS", $"http://localhost:{TestBed.Current.Server(server).HttpPort}/health")));
        return health.RootElement.GetProperty("version").GetString()!;
    }

    public static async Task AddItemAsync(string server, string name) =>
        await RunAsync(server, ShellCommand.Of("curl", "-fsS", "-X", "POST", "-H", "Content-Type: application/json",
            "--data", JsonSerializer.Serialize(new { name }), $"http://localhost:{TestBed.Current.Server(server).HttpPort}/api/items"));

    public static async Task<IReadOnlyList<string>> ItemNamesAsync(string server) =>
        (await SqlAsync(server, "SELECT name FROM items ORDER BY id")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<string> RevisionAsync(string server) => (await SqlAsync(server, "SELECT version_num FROM alembic_version")).Trim();

    public static async Task<string> SqlAsync(string server, string sql)
    {
        var compose = new ComposeCommands(ComposeFlavor.V1, TestBed.Current.AppPath, $"shop-{server}", ["docker-compose.prod.yml"]);
        var flavor = ComposeDetection.Parse(await RunAsync(server, ComposeDetection.Detect()));
        compose = compose with { Flavor = flavor };
        return await RunAsync(server, compose.Exec("db", "sh", "-c", $"psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -tAc {ShellQuoting.Quote(sql)}"));
    }

    public static async Task<string> RunAsync(string server, ShellCommand command)
    {
        await using var ssh = await TestBed.Current.ConnectAsync(server, Timeout);
        return (await ssh.RunAsync(command, Timeout)).EnsureSuccess(ssh.Target).StandardOutput;
    }
}
