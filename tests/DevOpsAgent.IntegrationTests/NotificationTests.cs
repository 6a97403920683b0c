using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Webhooks told by real operations on the real test bed (an app folder of its own on staging): an env push that
/// succeeds and a deploy its own check refuses after it began, each heard as started then its outcome by a real HTTP listener on loopback,
/// in the JSON and the Slack form; the webhook's token never printed.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string Token = "T0CANARY/B0CANARY/hooksecret4242";
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-notify-").FullName;
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, JsonElement Body)> _heard = new();
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;
    private Task _serving = Task.CompletedTask;

    public Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        _app = ScratchApp.Create("staging", "notify-it");
        var config = File.ReadAllText(_app.ConfigFile).TrimEnd() + $"""

                notifications:
                  - url: http://127.0.0.1:{port}/json/{Token}
                  - url: http://127.0.0.1:{port}/slack/{Token}
                    format: slack
                    events: [started, failed]

            """;
        _app.WriteFile("devops-agent.yml", config);
        _app.WriteFile(".env", "APP_MODE=it\nAPI_TOKEN=notify-canary-1234\n");
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _serving.ContinueWith(_ => { });
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task A_real_env_push_and_a_failing_deploy_are_heard_as_started_then_their_outcome_and_the_token_is_never_printed()
    {
        var pushed = await _cli.RunAsync("env", "push", "staging", "-C", _app.HostPath, "--config", _app.ConfigFile);
        Assert.True(pushed.ExitCode == 0, pushed.Error);
        var failed = await _cli.RunAsync("deploy", "staging", "--ref", "v9.9.9", "--config", _app.ConfigFile);
        Assert.NotEqual(0, failed.ExitCode);

        var json = _heard.Where(h => h.Path.StartsWith("/json/", StringComparison.Ordinal)).Select(h => (Action(h.Body), Event(h.Body))).ToList();
        Assert.Equal([("env push", "started"), ("env push", "succeeded"), ("deploy", "started"), ("deploy", "failed")], json);
        var slack = _heard.Where(h => h.Path.StartsWith("/slack/", StringComparison.Ordinal)).Select(h => h.Body.GetProperty("text").GetString()!).ToList();
        Assert.Equal(3, slack.Count); // started, started, failed: this one is not told of successes
        Assert.Contains("staging: env push", slack[0], StringComparison.Ordinal);
        Assert.EndsWith(" started by " + Environment.UserName + "@" + Environment.MachineName, slack[0], StringComparison.Ordinal);
        // Refused by its own check (this scratch project is no git repository) after it had begun: failed, with why.
        Assert.StartsWith("staging: deploy v9.9.9 failed in 0.", slack[^1], StringComparison.Ordinal);
        Assert.Contains("rollback-no-git", _heard.Last(h => h.Path.StartsWith("/json/", StringComparison.Ordinal)).Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.All(_heard, h => Assert.Equal("staging", h.Body.TryGetProperty("environment", out var e) ? e.GetString() : "staging"));
        foreach (var text in new[] { pushed.Out, pushed.Error, failed.Out, failed.Error, string.Join("\n", _heard.Select(h => h.Body.GetRawText())) })
        {
            Assert.DoesNotContain("hooksecret4242", text, StringComparison.Ordinal);
            Assert.DoesNotContain("notify-canary-1234", text, StringComparison.Ordinal);
        }
    }

    private static string Event(JsonElement body) => body.GetProperty("event").GetString()!;

    private static string Action(JsonElement body) => body.GetProperty("action").GetString()!;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            _heard.Enqueue((context.Request.Url!.AbsolutePath, body));
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

}
