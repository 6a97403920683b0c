using System.Diagnostics;
using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Ssh;
using Xunit.Abstractions;

namespace DevOpsAgent.IntegrationTests.ZeroDowntime;

/// <summary>
/// Issue 11 on the real bed: the reference stack deployed with <c>zero_downtime: true</c> to a scratch app on the
/// staging server, under steady load through the edge the whole time (GETs and POSTs that insert rows, half on
/// keep-alive connections). Two switches, a rollback to the stopped-but-kept slot, a broken release that never gets
/// traffic, and a locking migration refused for a live switch: not one failed request, not one lost row, and the
/// data project's database container is the same one from the first deploy to the last.
/// </summary>
public sealed class ZeroDowntimeDeployTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int HttpPort = 18171;

    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-zd-").FullName;
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;
    private SshCommandRunner _ssh = null!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token;

    private string ConfigFile => Path.Combine(_scratch, "devops-agent.yml");

    private string[] Projects => [_app.Name, $"{_app.Name}-data", $"{_app.Name}-blue", $"{_app.Name}-green", $"{_app.Name}-edge"];

    public async Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "zd");
        File.Delete(_app.ConfigFile);
        var password = Guid.NewGuid().ToString("N");
        _app.WriteFile(".env", $"""
            APP_ENV=staging
            POSTGRES_USER=shop
            POSTGRES_PASSWORD={password}
            POSTGRES_DB=shop
            DATABASE_URL=postgresql://shop:{password}@db:5432/shop
            SECRET_KEY={Guid.NewGuid():N}{Guid.NewGuid():N}
            VITE_API_BASE_URL=
            HTTP_PORT={HttpPort}

            """);
        WriteConfig(zeroDowntime: true);
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        _ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
    }

    private void WriteConfig(bool zeroDowntime, string? keepPreviousRunning = null)
    {
        var server = TestBed.Current.Server("staging");
        var zero = zeroDowntime ? "\n    zero_downtime:\n      drain_timeout: 10s" : "";
        zero += keepPreviousRunning is null ? "" : $"\n      keep_previous_running: {keepPreviousRunning}";
        File.WriteAllText(ConfigFile, $"""
            project: zd
            repository: {TestBed.Current.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
            environments:
              staging:
                server: {server.Host}
                port: {server.SshPort}
                user: deploy
                path: {_app.Path}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {TestBed.Current.KnownHostsFile}
                branch: staging
                compose_project: {_app.Name}{zero}
                health:
                  timeout: 180s
                  interval: 1s
                  http:
                    - url: http://localhost:{HttpPort}/health
                      json:
                        status: healthy
                  frontend: http://localhost:{HttpPort}/
                  database: db
            """);
    }

    public async Task DisposeAsync()
    {
        var script = string.Join("; ", Projects.Select(p =>
        {
            var label = ShellQuoting.Quote($"label=com.docker.compose.project={p}");
            return $"docker ps -aq --filter {label} | xargs -r docker rm -f >/dev/null; docker network ls -q --filter {label} | xargs -r docker network rm >/dev/null";
        })) + $"; docker volume rm -f {ShellQuoting.Quote($"{_app.Name}_db-data")} >/dev/null; "
            + $"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]' | xargs -r docker rmi -f >/dev/null; true";
        await _ssh.RunAsync(ShellCommand.Raw(script), Timeout);
        await _ssh.DisposeAsync();
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task Switches_and_a_kept_slot_rollback_under_load_fail_no_request_lose_no_row_and_a_broken_release_never_serves()
    {
        var first = await DeployAsync("v1.0.0");
        Assert.Equal("blue", await LiveSlotAsync());
        var database = await DatabaseContainerAsync();
        var rowsBefore = await RowsAsync();

        var deployTimes = new List<TimeSpan>();
        SteadyLoadSummary load;
        await using (var steady = new SteadyLoad(new SteadyLoadOptions
        {
            GetUrl = new Uri($"http://127.0.0.1:{HttpPort}/api/version"),
            PostUrl = new Uri($"http://127.0.0.1:{HttpPort}/api/items"),
            PostJson = """{"name":"steady"}""",
            PostShare = 0.3,
            RequestsPerSecond = 100,
        }).Start())
        {
            deployTimes.Add(await DeployTimedAsync("v1.1.0"));
            Assert.Equal("green", await LiveSlotAsync());

            // Back to v1.0.0, which blue still holds (stopped and kept): a start and a switch, the database downgraded with green's migrations.
            var clock = Stopwatch.StartNew();
            var rollback = await CliAsync("rollback", "staging", "--to", "v1.0.0");
            var rollbackTime = clock.Elapsed;
            Assert.True(rollback.ExitCode == 0, rollback.Out + rollback.Error);
            Assert.Contains("blue still holds v1.0.0: started as it was kept", rollback.Out, StringComparison.Ordinal);
            Assert.Equal("blue", await LiveSlotAsync());
            Assert.Equal("0001", await RevisionAsync());

            // The broken release goes to green, fails there, and never receives a request: blue serves throughout.
            var broken = await CliAsync(Deploy("v1.2.0-broken"));
            Assert.True(broken.ExitCode == ExitCodes.RolledBack, broken.Out + broken.Error);
            Assert.Contains("blue kept serving; the new release never received traffic", broken.Out + broken.Error, StringComparison.Ordinal);
            Assert.Equal("blue", await LiveSlotAsync());
            Assert.Equal("0001", await RevisionAsync());

            // A locking migration (0003 adds a foreign key without NOT VALID) is refused for a live switch, and explained.
            var locking = await CliAsync(Deploy("v1.3.0-bad-migration"));
            Assert.True(locking.ExitCode == ExitCodes.Refused, locking.Out + locking.Error);
            Assert.Contains("refused: a zero-downtime switch cannot run these migrations while blue serves: 0003 is locking", locking.Out + locking.Error, StringComparison.Ordinal);
            Assert.Contains("maintenance_window", locking.Out + locking.Error, StringComparison.Ordinal);
            Assert.Equal("blue", await LiveSlotAsync());

            load = await steady.StopAsync();
            output.WriteLine($"load: {load}");
            output.WriteLine($"deploy {deployTimes[0].TotalSeconds:0.0}s, rollback to the kept slot {rollbackTime.TotalSeconds:0.0}s ({rollbackTime / deployTimes[0]:0.00} of a deploy)");
        }

        Assert.True(load.Failed == 0, load.ToString());
        Assert.True(load.Requests > 1000, load.ToString());
        Assert.Contains(load.Bodies.Keys, body => body.Contains("1.1.0", StringComparison.Ordinal));
        Assert.DoesNotContain(load.Bodies.Keys, body => body.Contains("1.2.0", StringComparison.Ordinal));
        Assert.Equal(rowsBefore + load.PostsSucceeded, await RowsAsync());
        Assert.Equal(database, await DatabaseContainerAsync());
        Assert.Equal(0, first);

        var status = await CliAsync("status", "staging", "--json");
        using var json = JsonDocument.Parse(status.Out);
        Assert.Equal(("blue", true), (json.RootElement.GetProperty("live_slot").GetString(), json.RootElement.GetProperty("all_healthy").GetBoolean()));
    }

    [Fact]
    public async Task The_first_zero_downtime_deploy_of_a_single_project_stack_keeps_its_database_rows()
    {
        WriteConfig(zeroDowntime: false);
        await DeployAsync("v1.0.0");
        var created = await ServerAsync($"curl -fsS -X POST -H 'Content-Type: application/json' -d '{{\"name\":\"kept\"}}' http://localhost:{HttpPort}/api/items");
        Assert.Contains("\"kept\"", created, StringComparison.Ordinal);
        var single = ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}");
        Assert.NotEmpty(await ServerAsync($"docker ps -q --filter {single}"));

        WriteConfig(zeroDowntime: true);
        var deploy = await CliAsync(Deploy("v1.1.0"));
        Assert.True(deploy.ExitCode == 0, deploy.Out + deploy.Error);
        Assert.Contains("retire single project", deploy.Out, StringComparison.Ordinal);

        // The single project is gone; its database volume is the data project's, rows and all, now at 0002.
        Assert.Empty(await ServerAsync($"docker ps -aq --filter {single}"));
        Assert.Equal("blue", await LiveSlotAsync());
        Assert.Equal("kept", await PsqlAsync("SELECT name FROM items ORDER BY id LIMIT 1"));
        Assert.Equal("0002", await RevisionAsync());
        Assert.Contains("\"kept\"", await ServerAsync($"curl -fsS http://localhost:{HttpPort}/api/items"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_to_a_release_kept_running_is_a_switch_alone_under_load()
    {
        WriteConfig(zeroDowntime: true, keepPreviousRunning: "5m");
        await DeployAsync("v1.0.0");
        var blue = await SlotContainersAsync("blue");
        await DeployAsync("v1.1.0");
        Assert.Equal("green", await LiveSlotAsync());
        // Blue keeps running after the switch: the same containers, never restarted.
        Assert.Equal(blue, await SlotContainersAsync("blue"));
        var rowsBefore = await RowsAsync();

        SteadyLoadSummary load;
        string rollbackOut;
        await using (var steady = new SteadyLoad(new SteadyLoadOptions
        {
            GetUrl = new Uri($"http://127.0.0.1:{HttpPort}/api/version"),
            PostUrl = new Uri($"http://127.0.0.1:{HttpPort}/api/items"),
            PostJson = """{"name":"kept-running"}""",
            PostShare = 0.3,
            RequestsPerSecond = 100,
        }).Start())
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var rollback = await CliAsync("rollback", "staging", "--to", "v1.0.0");
            Assert.True(rollback.ExitCode == 0, rollback.Out + rollback.Error);
            rollbackOut = rollback.Out;
            await Task.Delay(TimeSpan.FromSeconds(2));
            load = await steady.StopAsync();
            output.WriteLine($"load: {load}");
        }

        Assert.Contains("blue still holds v1.0.0: kept running, nothing to start", rollbackOut, StringComparison.Ordinal);
        Assert.Matches(@"rollback: switch \([0-9.]+s\): blue live; green drained", rollbackOut);
        Assert.Equal("blue", await LiveSlotAsync());
        Assert.Equal(blue, await SlotContainersAsync("blue"));
        Assert.Equal("0001", await RevisionAsync());
        Assert.True(load.Failed == 0, load.ToString());
        Assert.Contains(load.Bodies.Keys, body => body.Contains("1.0.0", StringComparison.Ordinal));
        Assert.Equal(rowsBefore + load.PostsSucceeded, await RowsAsync());

        // Green, which served until the switch, stops in the background and is kept for the next rollback.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await ServerAsync($"docker ps -q --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}-green")}") is { Length: > 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, "green still runs a minute after the rollback");
            await Task.Delay(500);
        }

        Assert.NotEmpty(await ServerAsync($"docker ps -aq --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}-green")}"));
    }

    /// <summary>The slot's container ids with the time each started: equal twice only if none was recreated or restarted.</summary>
    private Task<string> SlotContainersAsync(string slot) =>
        ServerAsync($"docker ps -q --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}-{slot}")} | sort | xargs -r docker inspect --format '{{{{.Id}}}} {{{{.State.StartedAt}}}}'");

    private async Task<int> DeployAsync(string tag)
    {
        var deploy = await CliAsync(Deploy(tag));
        Assert.True(deploy.ExitCode == 0, deploy.Out + deploy.Error);
        return deploy.ExitCode;
    }

    /// <summary>A deploy's arguments; the quality check reads the reference stack's own project folder.</summary>
    private static string[] Deploy(string tag) => ["deploy", "staging", "--ref", tag, "--project-dir", Path.GetDirectoryName(AgentCli.ExampleConfig)!];

    private async Task<TimeSpan> DeployTimedAsync(string tag)
    {
        var clock = Stopwatch.StartNew();
        await DeployAsync(tag);
        return clock.Elapsed;
    }

    private async Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args)
    {
        var result = await _cli.RunAsync([.. args, "--config", ConfigFile]);
        output.WriteLine($"$ devops-agent {string.Join(' ', args)} → {result.ExitCode}\n{result.Out}{result.Error}");
        return result;
    }

    private async Task<string?> LiveSlotAsync()
    {
        var status = await CliAsync("status", "staging", "--json");
        using var json = JsonDocument.Parse(status.Out);
        return json.RootElement.GetProperty("live_slot").GetString();
    }

    private Task<string> DatabaseContainerAsync() =>
        ServerAsync($"docker ps -q --no-trunc --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}-data")} --filter label=com.docker.compose.service=db");

    private async Task<int> RowsAsync() => int.Parse(await PsqlAsync("SELECT count(*) FROM items"), System.Globalization.CultureInfo.InvariantCulture);

    private Task<string> RevisionAsync() => PsqlAsync("SELECT version_num FROM alembic_version");

    private async Task<string> PsqlAsync(string sql) =>
        await ServerAsync($"docker exec \"$({DatabaseContainerCommand})\" psql -U shop -d shop -tAc {ShellQuoting.Quote(sql)}");

    private string DatabaseContainerCommand =>
        $"docker ps -q --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}-data")} --filter label=com.docker.compose.service=db";

    private async Task<string> ServerAsync(string script) =>
        (await _ssh.RunAsync(ShellCommand.Raw(script), Timeout)).EnsureSuccess(_ssh.Target).StandardOutput.Trim();
}
