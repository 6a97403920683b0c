using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Shell;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Long deploys over MCP on the real test bed, driven by the SDK's client against the built binary: progress per
/// step, the deployment_id handle under a short client timeout, and cancels (explicit, and the request's own)
/// during the switch that end at the release before. A stack of its own: app folder /var/www/mcp-it on the
/// staging server, compose project mcp-it-staging, HTTP port 18130.
/// </summary>
public sealed class McpDeployTests : IAsyncDisposable
{
    private const string AppPath = "/var/www/mcp-it";
    private const string Project = "mcp-it-staging";
    private const int HttpPort = 18130;

    private readonly string _root = Directory.CreateTempSubdirectory("devops-agent-mcp-it-").FullName;

    private static readonly string[] Switch = ["migrate", "up", "health"];

    [Fact]
    public async Task Long_deploys_report_progress_answer_through_their_handle_and_a_cancel_in_the_switch_ends_at_the_release_before()
    {
        await SetUpAsync(Minutes(2));
        await using var client = await StartAsync();

        // With a progress token the call waits, and every step is heard when it starts and when it finishes.
        var heard = new List<ProgressNotificationValue>();
        var first = await client.CallToolAsync("deploy", Args(("ref", "v1.0.0")), new Progress(heard), cancellationToken: Minutes(6));
        var firstReport = Structured(first).GetProperty("report");
        Assert.True(first.IsError == false, Text(first));
        Assert.Equal("succeeded", firstReport.GetProperty("outcome").GetString());
        var steps = firstReport.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();
        Assert.Contains("build", steps);

        // The server sends every notification before its answer (in order, flushed). The client hands them over on tasks of its
        // own and stops listening when the answer is in, so the last few can be dropped on its side: every step up to the switch's
        // end must be heard, the tail (health, record release) is not the server's to guarantee.
        var heardUpTo = steps.IndexOf("up") + 1;
        Assert.True(heardUpTo > 0, string.Join(", ", steps));
        string[] expected = [.. steps.Take(heardUpTo).Select(step => $"{step}…"), .. steps.Take(heardUpTo).Select(step => $"{step}: succeeded in ")];
        var missing = await HeardAsync(heard, expected, TimeSpan.FromSeconds(10));
        Assert.True(missing.Length == 0, $"never heard: {string.Join(", ", missing)}");

        // Nobody waits: cancel_deployment during the switch rolls the deploy back to v1.0.0.
        var started = Structured(await client.CallToolAsync("deploy", Args(("ref", "v1.1.0"), ("wait", false)), cancellationToken: Seconds(15)));
        Assert.Equal("running", started.GetProperty("state").GetString());
        var id = started.GetProperty("deployment_id").GetString()!;
        await UntilAsync(client, id, view => Switch.Contains(view.GetProperty("step").GetString()));
        await client.CallToolAsync("cancel_deployment", new Dictionary<string, object?> { ["deployment_id"] = id }, cancellationToken: Seconds(15));
        var cancelled = await UntilAsync(client, id, view => view.GetProperty("state").GetString() == "finished");
        Assert.Equal("rolled_back", cancelled.GetProperty("outcome").GetString());
        Assert.Equal("staging: All services running, healthy. Serving v1.0.0.", await StatusAsync(client));

        // The request's own cancel reaches the deploy, which rolls back; its id came with the first progress.
        var progress = new List<ProgressNotificationValue>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var call = client.CallToolAsync("deploy", Args(("ref", "v1.1.0")), new Progress(progress, v =>
        {
            if (Switch.Any(s => v.Message!.StartsWith($"{s}…", StringComparison.Ordinal)))
            {
                cancel.Cancel();
            }
        }), cancellationToken: cancel.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(await HeardAsync(progress, ["deployment "], TimeSpan.FromSeconds(10)));
        string handle;
        lock (progress)
        {
            // Out of order as the client hands them over: the one that starts with the deployment's id.
            handle = progress.Select(v => v.Message!).First(m => m.StartsWith("deployment ", StringComparison.Ordinal)).Split(' ')[1];
        }

        var ended = await UntilAsync(client, handle, view => view.GetProperty("state").GetString() == "finished");
        Assert.Equal("rolled_back", ended.GetProperty("outcome").GetString());
        Assert.Equal("staging: All services running, healthy. Serving v1.0.0.", await StatusAsync(client));

        // A deploy longer than the client's 15 s timeout completes through its handle, every call well inside that timeout.
        var handled = Structured(await client.CallToolAsync("deploy", Args(("ref", "v1.1.0"), ("wait", false)), cancellationToken: Seconds(15)));
        var done = await UntilAsync(client, handled.GetProperty("deployment_id").GetString()!, view => view.GetProperty("state").GetString() == "finished", waitSeconds: 5);
        Assert.Equal(("succeeded", "v1.1.0"), (done.GetProperty("outcome").GetString(), done.GetProperty("report").GetProperty("release").GetProperty("version").GetString()));
        Assert.Equal("staging: All services running, healthy. Serving v1.1.0.", await StatusAsync(client));

        // The finding's example, typed: rollback to v1.0.0 is a release argument, not a sentence parsed back.
        var back = Structured(await client.CallToolAsync("rollback", Args(("to", "v1.0.0"), ("wait", false)), cancellationToken: Seconds(15)));
        var rolledBack = await UntilAsync(client, back.GetProperty("deployment_id").GetString()!, view => view.GetProperty("state").GetString() == "finished", waitSeconds: 5);
        Assert.Equal(("rollback", "succeeded"), (rolledBack.GetProperty("action").GetString(), rolledBack.GetProperty("outcome").GetString()));
        Assert.Equal("staging: All services running, healthy. Serving v1.0.0.", await StatusAsync(client));
    }

    private static Dictionary<string, object?> Args(params (string Name, object Value)[] extra)
    {
        var arguments = new Dictionary<string, object?> { ["task"] = "TASK-050", ["environment"] = "staging" };
        foreach (var (name, value) in extra)
        {
            arguments[name] = value;
        }

        return arguments;
    }

    /// <summary>Polls deployment_status, each call under a 15 s client timeout, until the view satisfies the condition.</summary>
    private static async Task<JsonElement> UntilAsync(McpClient client, string id, Func<JsonElement, bool> done, int waitSeconds = 0)
    {
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        while (true)
        {
            var result = await client.CallToolAsync("deployment_status", new Dictionary<string, object?> { ["deployment_id"] = id, ["wait_seconds"] = waitSeconds },
                cancellationToken: Seconds(15));
            var view = Structured(result);
            if (done(view))
            {
                return view;
            }

            Assert.Equal("running", view.GetProperty("state").GetString());
            await Task.Delay(TimeSpan.FromMilliseconds(200), overall.Token);
        }
    }

    private static async Task<string> StatusAsync(McpClient client) =>
        Text(await client.CallToolAsync("consult", new Dictionary<string, object?> { ["question"] = "staging status" }, cancellationToken: Minutes(1)));

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonElement Structured(CallToolResult result) => result.StructuredContent ?? throw new Xunit.Sdk.XunitException(Text(result));

    private static CancellationToken Minutes(int n) => new CancellationTokenSource(TimeSpan.FromMinutes(n)).Token;

    private static CancellationToken Seconds(int n) => new CancellationTokenSource(TimeSpan.FromSeconds(n)).Token;

    /// <summary>The expected message beginnings not yet heard after waiting up to <paramref name="within"/> for them.</summary>
    private static async Task<string[]> HeardAsync(List<ProgressNotificationValue> heard, string[] expected, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            string[] missing;
            lock (heard)
            {
                missing = [.. expected.Where(e => !heard.Any(v => v.Message!.StartsWith(e, StringComparison.Ordinal)))];
            }

            if (missing.Length == 0 || DateTime.UtcNow > until)
            {
                return missing;
            }

            await Task.Delay(100);
        }
    }

    private sealed class Progress(List<ProgressNotificationValue> heard, Action<ProgressNotificationValue>? then = null) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (heard)
            {
                heard.Add(value);
            }

            then?.Invoke(value);
        }
    }

    private async Task<McpClient> StartAsync()
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "devops-agent",
            Command = "dotnet",
            Arguments = [typeof(CliApp).Assembly.Location, "mcp", "--allow-destructive", "--config", Path.Combine(_root, "devops-agent.yml"),
                "--history", Path.Combine(_root, "history.db"), "--project-dir", Path.GetDirectoryName(AgentCli.ExampleConfig)!],
            WorkingDirectory = _root,
        });
        return await McpClient.CreateAsync(transport);
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var bed = TestBed.Current;
        await TearDownAsync(cancellationToken);
        var folder = Path.Combine(bed.Directory, "servers", "staging", "www", "mcp-it");
        Directory.CreateDirectory(folder);
        Run("chown", "deploy:deploy", folder);
        var password = Secret();
        var env = $"APP_ENV=staging\nPOSTGRES_USER=shop\nPOSTGRES_PASSWORD={password}\nPOSTGRES_DB=shop\n"
            + $"DATABASE_URL=postgresql://shop:{password}@db:5432/shop\nSECRET_KEY={Secret()}\nAPI_BASE_URL=http://localhost:{HttpPort}\n"
            + $"VITE_API_BASE_URL=\nHTTP_PORT={HttpPort}\n";
        await using (var ssh = await bed.ConnectAsync("staging", cancellationToken))
        {
            var write = $"umask 077 && printf '%s' {ShellQuoting.Quote(env)} > {AppPath}/.env && chmod 600 {AppPath}/.env";
            (await ssh.RunAsync(ShellCommand.Raw(write), cancellationToken)).EnsureSuccess(ssh.Target);
        }

        await File.WriteAllTextAsync(Path.Combine(_root, "project-state.yml"), """
            tasks:
              - id: TASK-050
                title: MCP deploys
                assignee: DevOps Agent
                status: assigned
                environment: staging
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "devops-agent.yml"), $"""
            project: shop
            repository: {bed.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
              versions: backend/alembic/versions
            orchestrator:
              project_state: project-state.yml
            environments:
              staging:
                server: 127.0.0.1
                port: {bed.Server("staging").SshPort}
                user: deploy
                path: {AppPath}
                compose_project: {Project}
                identity_file: {bed.KeyFile}
                known_hosts: {bed.KnownHostsFile}
                branch: staging
                health:
                  timeout: 180s
                  interval: 2s
                  http:
                    - url: http://localhost:{HttpPort}/health
                      json:
                        status: healthy
                  frontend: http://localhost:{HttpPort}/
                  database: db
            """, cancellationToken);
    }

    /// <summary>This stack's containers, volumes, networks and kept images only (by its compose project), then its folder.</summary>
    private static async Task TearDownAsync(CancellationToken cancellationToken)
    {
        var label = ShellQuoting.Quote($"label=com.docker.compose.project={Project}");
        var script = $"docker ps -aq --filter {label} | xargs -r docker rm -f >/dev/null; "
            + $"docker volume ls -q --filter {label} | xargs -r docker volume rm >/dev/null; "
            + $"docker network ls -q --filter {label} | xargs -r docker network rm >/dev/null; "
            + $"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{Project}[_-]' | xargs -r docker rmi -f >/dev/null; true";
        await using (var ssh = await TestBed.Current.ConnectAsync("staging", cancellationToken))
        {
            await ssh.RunAsync(ShellCommand.Raw(script), cancellationToken);
        }

        var folder = Path.Combine(TestBed.Current.Directory, "servers", "staging", "www", "mcp-it");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Secret() => "canary" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {process.StandardError.ReadToEnd()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await TearDownAsync(Minutes(3));
        Directory.Delete(_root, recursive: true);
    }
}
