using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Notifications;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Infrastructure.Configuration;
using DevOpsAgent.Infrastructure.Notifications;

namespace DevOpsAgent.Core.Tests.Notifications;

/// <summary>Webhooks per environment: config, the exact bodies, which saves become which events, and delivery over real HTTP.</summary>
public sealed class NotificationTests
{
    private const string Canary = "canary-Secret-7f3e91";

    private static string Config(string notifications) => $"""
        project: shop
        repository: git@example.com:acme/shop.git
        environments:
          production:
            server: prod.example.com
            user: deploy
            path: /var/www/shop
            tag: v1.0.0
        {notifications}
        """;

    private static AgentConfig Read(string yaml, Dictionary<string, string>? variables = null) =>
        AgentConfig.Read(YamlConfigLoader.Parse(yaml), variables ?? []);

    private static readonly DeployRecord Failed = new()
    {
        Id = "d-20261203-101500-ab12",
        Action = "deploy",
        Environment = "production",
        Ref = "v1.1.0",
        Commit = "1111111111111111111111111111111111111111",
        PreviousCommit = "0000000000000000000000000000000000000000",
        Version = "v1.1.0",
        StartedBy = "alice@laptop",
        TaskId = "TASK-045",
        StartedAt = new DateTimeOffset(2026, 12, 3, 10, 15, 0, TimeSpan.Zero),
        FinishedAt = new DateTimeOffset(2026, 12, 3, 10, 16, 30, TimeSpan.Zero),
        Outcome = DeployOutcome.RolledBack,
        Steps =
        [
            new StepRecord("build", new DateTimeOffset(2026, 12, 3, 10, 15, 1, TimeSpan.Zero), TimeSpan.FromSeconds(40), StepOutcome.Succeeded, ""),
            new StepRecord("health", new DateTimeOffset(2026, 12, 3, 10, 15, 41, TimeSpan.Zero), TimeSpan.FromSeconds(30), StepOutcome.Failed, "http 502"),
        ],
        Error = $"health: http http://localhost/health answered 502 (DATABASE_URL=postgresql://app:{Canary}@db/app, token {Canary})",
        RevisionBefore = "0001",
        RevisionAfter = "0001",
    };

    [Fact]
    public void Webhooks_are_read_per_environment_with_format_and_events_and_url_from_a_variable()
    {
        var config = Read(Config("""
                notifications:
                  - url: ${SLACK_WEBHOOK_URL}
                    format: slack
                    events: [failed, rolled_back]
                  - url: https://ops.example.com/hooks/deploys
            """), new() { ["SLACK_WEBHOOK_URL"] = "https://hooks.slack.com/services/T000/B000/XXXX" });

        var hooks = config.Environment("production").Notifications;
        Assert.Equal(2, hooks.Count);
        Assert.Equal((WebhookFormat.Slack, "https://hooks.slack.com/services/T000/B000/XXXX"), (hooks[0].Format, hooks[0].Url.ToString()));
        Assert.Equal([NotificationEvent.Failed, NotificationEvent.RolledBack], hooks[0].Events.Order());
        Assert.Equal("https://hooks.slack.com/…", hooks[0].Display);
        Assert.Equal(WebhookFormat.Json, hooks[1].Format);
        Assert.Equal(4, hooks[1].Events.Count);
    }

    [Theory]
    [InlineData("  notifications: https://x.example.com", "environments/production/notifications: should be a list of webhooks")]
    [InlineData("  notifications:\n      - url: ftp://files.example.com/secret-token-123", "environments/production/notifications/0/url: should be an http:// or https:// URL (the value is not shown")]
    [InlineData("  notifications:\n      - url: https://h.example.com/x\n        format: teams", "environments/production/notifications/0/format: should be slack or json")]
    [InlineData("  notifications:\n      - url: https://h.example.com/x\n        events: [started, exploded]", "environments/production/notifications/0/events: unknown event exploded")]
    [InlineData("  notifications:\n      - format: json", "environments/production/notifications/0/url: required")]
    [InlineData("  notifications:\n      - url: https://h.example.com/x\n        channel: ops", "environments/production/notifications/0/channel: unknown key")]
    public void A_bad_webhook_is_refused_naming_its_yaml_path_and_never_quoting_the_url(string block, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read(Config("  " + block))).Message;
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-123", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_body_is_exactly_the_records_fields_with_secrets_masked()
    {
        var body = NotificationPayload.Build(WebhookFormat.Json, NotificationEvent.RolledBack, Failed, [Canary]);

        Assert.Equal("""
            {"schema":"devops-agent.notification/1","event":"rolled_back","id":"d-20261203-101500-ab12","environment":"production","action":"deploy","ref":"v1.1.0","version":"v1.1.0","commit":"1111111111111111111111111111111111111111","previous_commit":"0000000000000000000000000000000000000000","task":"TASK-045","started_by":"alice@laptop","started_at":"2026-12-03T10:15:00Z","finished_at":"2026-12-03T10:16:30Z","duration_seconds":90,"outcome":"rolled_back","failed_step":"health","error":"health: http http://localhost/health answered 502 (DATABASE_URL=postgresql://app:***@db/app, token ***)","revision_before":"0001","revision_after":"0001","summary":"[TASK-045] production: deploy v1.1.0 failed and was rolled back in 90.0 s (step health)"}
            """, body);
    }

    [Fact]
    public void The_slack_body_has_text_and_one_coloured_attachment()
    {
        var body = NotificationPayload.Build(WebhookFormat.Slack, NotificationEvent.RolledBack, Failed, [Canary]);

        Assert.Equal("""
            {"text":"[TASK-045] production: deploy v1.1.0 failed and was rolled back in 90.0 s (step health)","attachments":[{"color":"warning","fields":[{"title":"Environment","value":"production","short":true},{"title":"Release","value":"v1.1.0","short":true},{"title":"Task","value":"TASK-045","short":true},{"title":"Failed step","value":"health","short":true},{"title":"Error","value":"health: http http://localhost/health answered 502 (DATABASE_URL=postgresql://app:***@db/app, token ***)","short":false}],"footer":"devops-agent · d-20261203-101500-ab12"}]}
            """, body);
        var started = NotificationPayload.Build(WebhookFormat.Slack, NotificationEvent.Started, Failed with { Outcome = DeployOutcome.Running, FinishedAt = null, Error = null, Steps = [] }, []);
        Assert.StartsWith("""{"text":"[TASK-045] production: deploy v1.1.0 started by alice@laptop","attachments":[{"color":"#439FE0",""", started, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saves_become_started_once_and_one_final_event_per_record_and_the_filter_is_honoured()
    {
        var sent = new ConcurrentQueue<(string Display, string Body)>();
        var all = new WebhookConfig(new Uri("https://a.example.com/all"), WebhookFormat.Json, WebhookConfig.AllEvents);
        var failures = new WebhookConfig(new Uri("https://b.example.com/failures"), WebhookFormat.Json, new HashSet<NotificationEvent> { NotificationEvent.Failed, NotificationEvent.RolledBack });
        var inner = new MemoryHistory();
        var deliveries = new Deliveries();
        var history = new NotifyingDeployHistory(inner, env => env == "production" ? [all, failures] : [], new Recorder(sent), [], deliveries, _ => { });

        var running = Failed with { Outcome = DeployOutcome.Running, FinishedAt = null, Error = null };
        await history.SaveAsync(running, default);
        await history.SaveAsync(running with { Steps = [Failed.Steps[0]] }, default);
        await history.SaveAsync(Failed, default);
        await history.SaveAsync(Failed, default);
        var ok = running with { Id = "d-2", Outcome = DeployOutcome.Succeeded, FinishedAt = Failed.FinishedAt };
        await history.SaveAsync(ok with { Outcome = DeployOutcome.Running }, default);
        await history.SaveAsync(ok, default);
        await history.SaveAsync(ok with { Id = "d-3", Outcome = DeployOutcome.Refused }, default);
        await history.SaveAsync(ok with { Id = "d-4", Environment = "staging" }, default);
        await history.SaveAsync(ok with { Id = "d-5", Outcome = DeployOutcome.Running }, default);
        await history.SaveAsync(ok with { Id = "d-5", Outcome = DeployOutcome.Refused }, default);
        await deliveries.DrainAsync(TimeSpan.FromSeconds(10));

        var events = sent.Select(s => (s.Display, Event(s.Body), Id(s.Body))).ToList();
        Assert.Equal(
        [
            ("https://a.example.com/…", "started", "d-2"), ("https://a.example.com/…", "succeeded", "d-2"),
            ("https://a.example.com/…", "started", Failed.Id), ("https://a.example.com/…", "rolled_back", Failed.Id),
            ("https://a.example.com/…", "started", "d-5"), ("https://a.example.com/…", "failed", "d-5"),
        ], events.Where(e => e.Item1.StartsWith("https://a", StringComparison.Ordinal)).OrderBy(e => e.Item3, StringComparer.Ordinal).ThenBy(e => e.Item2 != "started"));
        Assert.Equal([("https://b.example.com/…", "rolled_back", Failed.Id), ("https://b.example.com/…", "failed", "d-5")],
            events.Where(e => e.Item1.StartsWith("https://b", StringComparison.Ordinal)).OrderBy(e => e.Item3, StringComparer.Ordinal));
        Assert.Equal(5, inner.Saved.Count);
    }

    [Fact]
    public async Task A_dead_webhook_is_one_warning_without_its_secret_and_never_fails_the_save()
    {
        var warnings = new ConcurrentQueue<string>();
        var hook = new WebhookConfig(new Uri($"http://127.0.0.1:{ClosedPort()}/services/T0/B0/{Canary}"), WebhookFormat.Slack, WebhookConfig.AllEvents);
        var deliveries = new Deliveries();
        var sender = new HttpWebhookSender(new HttpClient(), _ => Task.CompletedTask) { Attempts = 2 };
        var history = new NotifyingDeployHistory(new MemoryHistory(), _ => [hook], sender, [], deliveries, warnings.Enqueue);

        await history.SaveAsync(Failed, default);
        await deliveries.DrainAsync(TimeSpan.FromSeconds(20));

        var warning = Assert.Single(warnings);
        Assert.StartsWith("warning: the rolled_back notification to http://127.0.0.1:", warning, StringComparison.Ordinal);
        Assert.EndsWith("/… was not delivered: connection refused or unreachable after 2 attempts", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_retries_5xx_and_429_honouring_retry_after_then_succeeds()
    {
        await using var server = new TinyHttpServer(["500", "429 7", "503", "204"]);
        var pauses = new List<TimeSpan>();
        var sender = new HttpWebhookSender(new HttpClient(), t => { pauses.Add(t); return Task.CompletedTask; });

        await sender.SendAsync(new WebhookConfig(server.Url, WebhookFormat.Json, WebhookConfig.AllEvents), """{"event":"started"}""", default);

        Assert.Equal(4, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(("POST", """{"event":"started"}""", "application/json; charset=utf-8"), (r.Method, r.Body, r.ContentType)));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(4)], pauses);
    }

    [Fact]
    public async Task A_4xx_other_than_429_is_final_and_a_hanging_webhook_times_out_each_attempt()
    {
        await using var refusing = new TinyHttpServer(["404", "204"]);
        var sender = new HttpWebhookSender(new HttpClient(), _ => Task.CompletedTask) { AttemptTimeout = TimeSpan.FromMilliseconds(500), Attempts = 2 };
        var notFound = await Assert.ThrowsAsync<WebhookException>(() => sender.SendAsync(new WebhookConfig(refusing.Url, WebhookFormat.Json, WebhookConfig.AllEvents), "{}", default));
        Assert.Equal("HTTP 404 (not retried)", notFound.Message);
        Assert.Single(refusing.Requests);

        await using var hanging = new TinyHttpServer(["hang", "hang"]);
        var started = DateTime.UtcNow;
        var timedOut = await Assert.ThrowsAsync<WebhookException>(() => sender.SendAsync(new WebhookConfig(hanging.Url, WebhookFormat.Json, WebhookConfig.AllEvents), "{}", default));
        Assert.Equal("no answer within 0.5 s after 2 attempts", timedOut.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    private static string Event(string body) => JsonDocument.Parse(body).RootElement.GetProperty("event").GetString()!;

    private static string Id(string body) => JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class Recorder(ConcurrentQueue<(string, string)> sent) : IWebhookSender
    {
        public Task SendAsync(WebhookConfig webhook, string body, CancellationToken cancellationToken)
        {
            sent.Enqueue((webhook.Display, body));
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// A real HTTP/1.1 server on loopback answering each request with the next scripted reply: a status code,
/// <c>"429 N"</c> (with Retry-After: N) or <c>"hang"</c> (reads the request, never answers).
/// </summary>
public sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<string> _replies;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TinyHttpServer(IEnumerable<string> replies)
    {
        _replies = new Queue<string>(replies);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hooks/T0/B0/token");
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string Method, string Path, string Body, string ContentType)> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } requestLine)
            {
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } header)
                {
                    var colon = header.IndexOf(':');
                    headers[header[..colon]] = header[(colon + 1)..].Trim();
                }

                var length = int.Parse(headers.GetValueOrDefault("Content-Length", "0"));
                var body = new char[length];
                var read = 0;
                while (read < length)
                {
                    read += await reader.ReadAsync(body.AsMemory(read), _stop.Token);
                }

                var parts = requestLine.Split(' ');
                Requests.Enqueue((parts[0], parts[1], new string(body), headers.GetValueOrDefault("Content-Type", "")));
                string reply;
                lock (_replies)
                {
                    reply = _replies.Count > 0 ? _replies.Dequeue() : "204";
                }

                if (reply == "hang")
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { });
                    return;
                }

                var fields = reply.Split(' ');
                var extra = fields.Length > 1 ? $"Retry-After: {fields[1]}\r\n" : "";
                var bytes = Encoding.ASCII.GetBytes($"HTTP/1.1 {fields[0]} X\r\nContent-Length: 0\r\n{extra}\r\n");
                await stream.WriteAsync(bytes, _stop.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
    }
}
