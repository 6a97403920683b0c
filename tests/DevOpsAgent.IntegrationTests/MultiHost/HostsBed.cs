using System.Diagnostics;
using System.Text.Json;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Ssh;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>
/// The multi-host bed that `scripts/testbed.sh up --hosts 3` brings up (hosts dahost1..N, each with its own dockerd and
/// sshd), read from the hosts.env it writes beside testbed.env. The fleet tests deploy the reference stack to every
/// host under an app folder of their own (<see cref="AppPath"/>, compose project shop-fleet), so they share
/// nothing with other users of the hosts.
/// </summary>
public sealed class HostsBed
{
    public const string Collection = "multi-host";

    public const string AppPath = "/var/www/fleet";

    public const string Project = "shop-fleet";

    private readonly IReadOnlyDictionary<string, string> _variables;

    private HostsBed(string file, IReadOnlyDictionary<string, string> variables)
    {
        File = file;
        _variables = variables;
    }

    public static string EnvFile { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("DEVOPS_TESTBED_DIR") ?? "/var/lib/devops-agent-testbed", "hosts.env");

    /// <summary>The bed, or null when hosts.env is absent (the tests then skip, see <see cref="MultiHostFactAttribute"/>).</summary>
    public static HostsBed? Current { get; } = Load();

    public string File { get; }

    public int Count => int.Parse(this["DEVOPS_TESTBED_HOSTS_COUNT"]);

    public string KeyFile => this["DEVOPS_TESTBED_HOSTS_KEY"];

    public string KnownHostsFile => this["DEVOPS_TESTBED_HOSTS_KNOWN_HOSTS"];

    public string Origin => this["DEVOPS_TESTBED_HOSTS_ORIGIN"];

    public int HttpPort => int.Parse(this["DEVOPS_TESTBED_HOSTS_HTTP_PORT"]);

    /// <summary>The bed's registry (Debian's docker-registry on the bridge, plain HTTP, in every host's insecure-registries).</summary>
    public string Registry => this["DEVOPS_TESTBED_HOSTS_REGISTRY"];

    public IReadOnlyList<int> Numbers => [.. Enumerable.Range(1, Count)];

    public string this[string name] =>
        _variables.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"{name} is missing from {File}.");

    public string Address(int host) => this[$"DEVOPS_TESTBED_HOST{host}_ADDRESS"];

    /// <summary>How the agent names a host in output and history.</summary>
    public string AgentName(int host) => $"deploy@{Address(host)}:22";

    public Task<SshCommandRunner> ConnectAsync(int host, CancellationToken ct, string user = "deploy") =>
        SshCommandRunner.ConnectAsync(new SshTarget
        {
            Host = Address(host),
            Port = 22,
            User = user,
            IdentityFile = KeyFile,
            KnownHostsFile = KnownHostsFile,
        }, ct);

    public async Task<string> RunAsync(int host, string script, CancellationToken ct, string user = "deploy")
    {
        await using var ssh = await ConnectAsync(host, ct, user);
        return (await ssh.RunAsync(ShellCommand.Raw(script), ct)).EnsureSuccess(ssh.Target).StandardOutput;
    }

    /// <summary>
    /// The fleet environment's config: every host of the bed, the first one the canary and the database's; with the
    /// bed's registry (the first host builds and pushes, the others pull), or without it (each host builds).
    /// </summary>
    public string WriteConfig(string folder, bool canary = true, bool registry = true)
    {
        var hosts = string.Join("", Numbers.Select(i => $"      - {Address(i)}\n"));
        var config = Path.Combine(folder, "devops-agent.yml");
        System.IO.File.WriteAllText(config, $"""
            project: shop
            repository: {Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
              versions: backend/alembic/versions
            environments:
              fleet:
                user: deploy
                port: 22
                path: {AppPath}
                identity_file: {KeyFile}
                known_hosts: {KnownHostsFile}
                tag: v1.1.0
                parallel: 4
                canary: {(canary ? "true" : "false")}
            {(registry ? $"    registry: {Registry}\n" : "")}    hosts:
            {hosts}    health:
                  timeout: 45s
                  interval: 2s
                  http:
                    - url: http://localhost:{HttpPort}/health
                      json:
                        status: healthy
                  frontend: http://localhost:{HttpPort}/
                  database: db
                  logs:
                    fail_on_errors: false

            """);
        return config;
    }

    /// <summary>
    /// Every host back to "never deployed" under <see cref="AppPath"/>: the project's containers, volumes and networks
    /// removed, the folder emptied but for its .env (made once from the host's operator .env). Built images stay.
    /// </summary>
    public Task ResetAsync(CancellationToken ct) => Task.WhenAll(Numbers.Select(i => RunAsync(i,
        $"label=label=com.docker.compose.project={Project}; "
        + "docker ps -aq --filter \"$label\" | xargs -r docker rm -f >/dev/null; "
        + "docker volume ls -q --filter \"$label\" | xargs -r docker volume rm >/dev/null; "
        + "docker network ls -q --filter \"$label\" | xargs -r docker network rm >/dev/null; "
        + $"install -d -o deploy -g deploy {AppPath}; "
        + $"[ -f {AppPath}/.env ] || install -o deploy -g deploy -m 600 /var/www/shop/.env {AppPath}/.env; "
        + $"find {AppPath} -mindepth 1 -maxdepth 1 ! -name .env -exec rm -rf {{}} +", ct, user: "root")));

    /// <summary>What the host's stack answers on /api/version and whether /health says healthy (null: no answer).</summary>
    public async Task<(string? Version, bool Healthy)> ServesAsync(int host, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var version = JsonDocument.Parse(await http.GetStringAsync($"http://{Address(host)}:{HttpPort}/api/version", ct));
            using var health = await http.GetAsync($"http://{Address(host)}:{HttpPort}/health", ct);
            using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
            return (version.RootElement.GetProperty("version").GetString(),
                health.IsSuccessStatusCode && body.RootElement.GetProperty("status").GetString() == "healthy");
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, false);
        }
    }

    /// <summary>The database's alembic revision on a host's own db container ("" when it was never migrated).</summary>
    public async Task<string> RevisionAsync(int host, CancellationToken ct) => (await RunAsync(host,
        $"db=$(docker ps -q --filter label=com.docker.compose.project={Project} --filter label=com.docker.compose.service=db); "
        + "docker exec \"$db\" psql -U shop -d shop -tAc 'select version_num from alembic_version' 2>/dev/null || true", ct)).Trim();

    /// <summary>The host's journal file, read from this machine (the hosts share its file system).</summary>
    public string JournalOf(int host) => Path.Combine(Directory, $"dahost{host}", "www", "fleet", ".devops-agent", "operation.json");

    public string Directory => Path.Combine(Path.GetDirectoryName(File)!, "hosts");

    public int DockerdPid(int host) => int.Parse(System.IO.File.ReadAllText(this[$"DEVOPS_TESTBED_HOST{host}_DOCKERD_PIDFILE"]).Trim());

    /// <summary>
    /// Brings a killed engine back the way the bed starts it (`testbed.sh up --hosts N` starts what is not running),
    /// then the stack it served: an engine killed with its containers does not restart them by itself here.
    /// </summary>
    public async Task RestoreEngineAsync(int host, CancellationToken ct)
    {
        var script = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(AgentCli.ExampleConfig)))!, "scripts", "testbed", "hosts.sh");
        using (var process = Process.Start(new ProcessStartInfo("bash", [script, "up", Count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
               { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.True(process.ExitCode == 0, $"hosts.sh up failed: {await error}");
        }

        await RunAsync(host, string.Join(" && ", new[] { "db", "backend", "frontend" }.Select(service =>
            $"docker ps -aq --filter label=com.docker.compose.project={Project} --filter label=com.docker.compose.service={service} | xargs -r docker start >/dev/null")), ct);
    }

    private static HostsBed? Load() => System.IO.File.Exists(EnvFile)
        ? new HostsBed(EnvFile, System.IO.File.ReadAllLines(EnvFile)
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]))
        : null;
}

/// <summary>A test on the multi-host bed: skipped, saying how to bring it up, when hosts.env is absent.</summary>
public sealed class MultiHostFactAttribute : FactAttribute
{
    public MultiHostFactAttribute()
    {
        if (HostsBed.Current is null)
        {
            Skip = $"the multi-host bed is not up ({HostsBed.EnvFile} is missing): run `scripts/testbed.sh up --hosts 3`";
        }
    }
}
