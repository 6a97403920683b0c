using System.Text.Json;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// The reference stack in an app folder of its own on the production server (a <see cref="ScratchApp"/>, its
/// own .env, HTTP port and compose project), reached by the agent through a <see cref="TcpCutProxy"/>, and
/// what a test reads of it straight from the server: the served version, the alembic revision, what a kept
/// release image holds. Nothing here takes the agent's word.
/// </summary>
public sealed class FaultStack : IAsyncDisposable
{
    public const int HttpPort = 18097;

    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-fault-").FullName;
    private readonly ScratchApp _app;

    private FaultStack()
    {
        _app = ScratchApp.Create("production", "fault");
        // The release's checkout brings its own devops-agent.yml; the test's config lives outside the app folder.
        File.Delete(_app.ConfigFile);
        var password = Guid.NewGuid().ToString("N");
        _app.WriteFile(".env", $"""
            APP_ENV=production
            POSTGRES_USER=shop
            POSTGRES_PASSWORD={password}
            POSTGRES_DB=shop
            DATABASE_URL=postgresql://shop:{password}@db:5432/shop
            SECRET_KEY={Guid.NewGuid():N}{Guid.NewGuid():N}
            VITE_API_BASE_URL=
            HTTP_PORT={HttpPort}

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_app.HostPath, ".env"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var server = TestBed.Current.Server("production");
        Proxy = TcpCutProxy.Start(server.Host, server.SshPort);
        // The agent checks the host key of [127.0.0.1]:<proxy port>: sshd's own key, under the proxy's port.
        var key = File.ReadAllLines(TestBed.Current.KnownHostsFile).Single(l => l.StartsWith($"[{server.Host}]:{server.SshPort} ", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_scratch, "known_hosts"), $"[{server.Host}]:{Proxy.Port} {key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]}\n");
        File.WriteAllText(ConfigFile, $"""
            project: fault
            repository: {TestBed.Current.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
            environments:
              production:
                server: {server.Host}
                port: {Proxy.Port}
                user: deploy
                path: {_app.Path}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {Path.Combine(_scratch, "known_hosts")}
                tag: v1.1.0
                compose_project: {_app.Name}
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

    public TcpCutProxy Proxy { get; }

    public string ConfigFile => Path.Combine(_scratch, "devops-agent.yml");

    public string HistoryFile => Path.Combine(_scratch, "history.db");

    public static FaultStack Create() => new();

    /// <summary>The arguments every run of the agent against this stack takes after its own.</summary>
    public string[] With(params string[] args) => [.. args, "--config", ConfigFile, "--history", HistoryFile];

    /// <summary>`deploy production --ref &lt;tag&gt;`, its check run on the reference application it ships.</summary>
    public static string[] Deploy(string tag, params string[] extra) =>
        ["deploy", "production", "--ref", tag, "--project-dir", Path.GetDirectoryName(AgentCli.ExampleConfig)!, .. extra];

    /// <summary>A run of the agent as its own process, to its end.</summary>
    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var agent = AgentProcess.Start(With(args));
        return await agent.WaitAsync();
    }

    /// <summary>What the backend serving on the stack's port says it is (null when nothing answers).</summary>
    public async Task<string?> ServedVersionAsync()
    {
        var body = await ServerAsync($"curl -fsS -m 10 http://localhost:{HttpPort}/api/version || true");
        return body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.GetProperty("version").GetString();
    }

    /// <summary>Whether the API answers a list of items (the schema the code expects is there).</summary>
    public async Task<bool> ItemsAnswerAsync() =>
        (await ServerAsync($"curl -fsS -m 10 -o /dev/null http://localhost:{HttpPort}/api/items && echo ok || true")).Trim() == "ok";

    public async Task<string> RevisionAsync() =>
        (await ServerAsync($"docker exec $({Container("db")}) psql -U shop -d shop -tAc 'select version_num from alembic_version'")).Trim();

    /// <summary>The version the server's release record names (the tag, e.g. v1.1.0).</summary>
    public async Task<string?> RecordedVersionAsync()
    {
        var body = await ServerAsync($"cat {_app.Path}/.devops-agent/release.json 2>/dev/null || true");
        return body.Trim().Length == 0 ? null : JsonDocument.Parse(body).RootElement.GetProperty("version").GetString();
    }

    /// <summary>Whether the server's journal records an operation that did not finish.</summary>
    public async Task<bool> HasJournalAsync() =>
        (await ServerAsync($"test -f {_app.Path}/.devops-agent/operation.json && echo yes || true")).Trim() == "yes";

    /// <summary>The VERSION inside the kept backend image of <paramref name="tag"/>'s commit (null when none is kept).</summary>
    public async Task<string?> KeptBackendVersionAsync(string tag)
    {
        var commit = TestBed.Git(TestBed.Current.Origin, "rev-parse", $"{tag}^{{commit}}").Trim()[..12];
        var image = (await ServerAsync($"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]backend:release-{commit}$' || true")).Trim();
        return image.Length == 0 ? null : (await ServerAsync($"docker run --rm --network none --entrypoint cat {image} /VERSION")).Trim();
    }

    /// <summary>The lock's state as `lock status --json` reads it from the server: free, held or abandoned.</summary>
    public async Task<string> LockStateAsync()
    {
        var status = await RunAsync("lock", "status", "production", "--json", "--stale-after", "00:00:05");
        return JsonDocument.Parse(status.Out).RootElement.GetProperty("state").GetString()!;
    }

    /// <summary>
    /// The server serves a release it knows: the code answering is the one its release record names, the
    /// database is at that release's revision and the API works on it. Returns the version.
    /// </summary>
    public async Task<string> AssertKnownHealthyReleaseAsync()
    {
        var served = await ServedVersionAsync();
        Assert.True(served is "1.0.0" or "1.1.0", $"serving {served ?? "nothing"}");
        Assert.Equal($"v{served}", await RecordedVersionAsync());
        Assert.Equal(served == "1.0.0" ? "0001" : "0002", await RevisionAsync());
        Assert.True(await ItemsAnswerAsync(), $"{served} serves but GET /api/items fails on revision {await RevisionAsync()}");
        return served!;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        // The project's images (release tags included) go too; their layers stay in the build cache.
        await ServerAsync($"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]' | xargs -r docker rmi -f >/dev/null; true");
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private string Container(string service) =>
        $"docker ps -q --filter label=com.docker.compose.project={_app.Name} --filter label=com.docker.compose.service={service} | head -n 1";

    private static async Task<string> ServerAsync(string script)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var ssh = await TestBed.Current.ConnectAsync("production", timeout.Token);
        return (await ssh.RunAsync(ShellCommand.Raw(script), timeout.Token)).EnsureSuccess(ssh.Target).StandardOutput;
    }
}
