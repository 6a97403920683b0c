using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests.Dashboard;

/// <summary>
/// The reference stack in an app folder of its own on the production server (a <see cref="ScratchApp"/> with its
/// own .env, HTTP port 18099 and compose project), a config and history of the test's own, the dashboard run on
/// them as its own process on a free loopback port, and what a test reads straight from the server: the version
/// the backend serves and the one its release record names. Nothing here takes the dashboard's word.
/// </summary>
public sealed class DashboardStack : IAsyncDisposable
{
    public const int HttpPort = 18099;

    /// <summary>The task the project state assigns to DevOps Agent for production.</summary>
    public const string Task = "ISSUE-14";

    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-dashboard-").FullName;
    private readonly ScratchApp _app;
    private AgentProcess? _dashboard;

    private DashboardStack()
    {
        _app = ScratchApp.Create("production", "dash");
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

        // Layer 2: the rollback the browser asks for names a task the Orchestrator assigned to DevOps Agent.
        File.WriteAllText(Path.Combine(_scratch, "project-state.yml"), $"""
            tasks:
              - id: {Task}
                title: Dashboard rollback
                assignee: DevOps Agent
                status: in_progress
                environment: production
            """);
        var server = TestBed.Current.Server("production");
        File.WriteAllText(ConfigFile, $"""
            project: shop
            repository: {TestBed.Current.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
            orchestrator:
              project_state: project-state.yml
            environments:
              production:
                server: {server.Host}
                port: {server.SshPort}
                user: deploy
                path: {_app.Path}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {TestBed.Current.KnownHostsFile}
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

    public string ConfigFile => Path.Combine(_scratch, "devops-agent.yml");

    public string HistoryFile => Path.Combine(_scratch, "history.db");

    /// <summary>Where the dashboard listens, once <see cref="StartDashboardAsync"/> has returned.</summary>
    public string DashboardUrl { get; private set; } = "";

    public static DashboardStack Create() => new();

    /// <summary>A run of the agent as its own process against this stack, to its end.</summary>
    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var agent = AgentProcess.Start([.. args, "--config", ConfigFile, "--history", HistoryFile]);
        return await agent.WaitAsync();
    }

    /// <summary>`deploy production --ref &lt;tag&gt;` to its end; fails the test unless it succeeded.</summary>
    public async Task DeployAsync(string tag)
    {
        var deploy = await RunAsync(FaultStack.Deploy(tag));
        Assert.True(deploy.ExitCode == 0, $"deploy {tag} → {deploy.ExitCode}\n{deploy.Out}\n{deploy.Error}");
    }

    /// <summary>The history as `history production --json` reads it, newest first.</summary>
    public async Task<JsonElement[]> HistoryAsync()
    {
        var history = await RunAsync("history", "production", "--json");
        Assert.True(history.ExitCode == 0, history.Out + history.Error);
        return [.. JsonDocument.Parse(history.Out).RootElement.EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>`devops-agent dashboard` on a free loopback port; returns once its /healthz answers.</summary>
    public async Task StartDashboardAsync()
    {
        var port = LoopbackPort.Free();

        _dashboard = AgentProcess.Start("dashboard", "--bind", $"127.0.0.1:{port}", "--config", ConfigFile, "--history", HistoryFile);
        await _dashboard.WaitForLineAsync("Dashboard on ");
        DashboardUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.Equal("ok", await http.GetStringAsync(new Uri($"{DashboardUrl}/healthz")));
    }

    /// <summary>What the dashboard process printed, for a failing assertion's message.</summary>
    public string DashboardOutput => _dashboard is null ? "" : $"{_dashboard.Out}\n{_dashboard.Error}";

    /// <summary>What the backend serving on the stack's port says it is (null when nothing answers).</summary>
    public async Task<string?> ServedVersionAsync()
    {
        var body = await ServerAsync($"curl -fsS -m 10 http://localhost:{HttpPort}/api/version || true");
        return body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.GetProperty("version").GetString();
    }

    /// <summary>The version the server's release record names (the tag, e.g. v1.1.0).</summary>
    public async Task<string?> RecordedVersionAsync()
    {
        var body = await ServerAsync($"cat {_app.Path}/.devops-agent/release.json 2>/dev/null || true");
        return body.Trim().Length == 0 ? null : JsonDocument.Parse(body).RootElement.GetProperty("version").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        _dashboard?.Dispose();
        // The project's images (release tags included) go too; their layers stay in the build cache.
        await ServerAsync($"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]' | xargs -r docker rmi -f >/dev/null; true");
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private static async Task<string> ServerAsync(string script)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var ssh = await TestBed.Current.ConnectAsync("production", timeout.Token);
        return (await ssh.RunAsync(ShellCommand.Raw(script), timeout.Token)).EnsureSuccess(ssh.Target).StandardOutput;
    }
}
