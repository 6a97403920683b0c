using System.Net;
using System.Net.Sockets;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests.DashboardBed;

/// <summary>
/// The dashboard's environment page against a real server of the test bed (an app folder of its own on staging, a
/// one-service compose project brought up there): the lock a real lease holds, a dump in the backups folder, and
/// live logs followed over SSH whose secret value from the server's .env is masked where the service prints it.
/// </summary>
public sealed class EnvironmentPageTests : IAsyncLifetime
{
    private const string Canary = "dash-canary-5b1e07c9";
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-dash-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private ScratchApp _app = null!;
    private Task<int> _dashboard = Task.FromResult(0);

    public async Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "dash-it");
        _app.WriteFile(".env", $"APP_MODE=it\nLOG_PASSWORD={Canary}\n");
        _app.WriteFile("compose.yml", """
            services:
              talker:
                image: debian:bookworm-slim
                env_file: .env
                command: ["sh", "-c", "while true; do echo \"connecting with $$LOG_PASSWORD as $$APP_MODE\"; sleep 1; done"]
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var ssh = await TestBed.Current.ConnectAsync("staging", timeout.Token);
        var up = await ssh.RunAsync(ShellCommand.Raw($"cd {ShellQuoting.Quote(_app.Path)} && docker-compose -p {ShellQuoting.Quote(_app.Name)} -f compose.yml up -d "
            + $"&& mkdir -p backups && head -c 4096 /dev/urandom > backups/staging-20261203-101500-before-v1.1.0.dump"), timeout.Token);
        Assert.True(up.ExitCode == 0, up.StandardError);

        var port = LoopbackPort.Free();
        var console = new CliConsole(new StringWriter(), new StringWriter()) { Interactive = false };
        _dashboard = CliApp.RunAsync(["dashboard", "--bind", $"127.0.0.1:{port}", "--config", _app.ConfigFile, "--history", Path.Combine(_scratch, "history.db")], console, _stop.Token);
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await _http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 100 && !_dashboard.IsCompleted)
            {
            }

            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _dashboard;
        _http.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task The_page_shows_the_servers_lock_and_backups_and_live_logs_arrive_with_the_secret_masked()
    {
        var free = await _http.GetStringAsync("/environments/staging");
        Assert.Contains("<p id=\"lock\" class=\"ok\" data-state=\"free\">Free.</p>", free);
        Assert.Contains("<code>staging-20261203-101500-before-v1.1.0.dump</code>", free);
        Assert.Contains("4.0 KiB", free);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using (var ssh = await TestBed.Current.ConnectAsync("staging", timeout.Token))
        await using (await DeployLock.AcquireAsync(ssh, _app.Path, new LockInfo
        {
            DeployId = "it-lease", Environment = "staging", Holder = "someone@elsewhere", Target = "v1.2.0", StartedAt = DateTimeOffset.UtcNow, TaskId = "TASK-045",
        }, TimeSpan.Zero, DeployLock.DefaultStaleAfter, timeout.Token))
        {
            var held = await _http.GetStringAsync("/environments/staging");
            Assert.Contains("data-state=\"held\"", held);
            Assert.Contains("someone@elsewhere", held);
        }

        // The log stream: its state line, then the service's lines as it prints them, the canary masked.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/environments/staging/logs?service=talker");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var seen = new List<string>();
        while (seen.Count(l => l.Contains("connecting with", StringComparison.Ordinal)) < 3)
        {
            seen.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the stream ended: " + string.Join("\n", seen)));
        }

        Assert.Contains("data: following talker (masking 1 values from the server's .env)", seen);
        Assert.Contains(seen, l => l.StartsWith("data: talker_1 ", StringComparison.Ordinal) && l.EndsWith("connecting with *** as it", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, l => l.Contains(Canary, StringComparison.Ordinal));
        var page = await _http.GetStringAsync("/environments/staging?service=talker");
        Assert.Contains("data-source=\"/environments/staging/logs?service=talker\"", page);
        Assert.DoesNotContain(Canary, page, StringComparison.Ordinal);
    }

}
