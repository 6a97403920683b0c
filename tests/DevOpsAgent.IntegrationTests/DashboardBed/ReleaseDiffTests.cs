using System.Text.Json;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests.DashboardBed;

/// <summary>
/// The release diff against the real test bed: the reference stack deployed at v1.0.0 and then v1.1.0 into an app
/// folder of its own on staging (its own .env, compose project and HTTP port 18151), then `devops-agent diff` and the
/// dashboard's /diff page read over SSH from the server's checkout. The expected commits come from the bed's origin
/// itself, not from the agent.
/// </summary>
public sealed class ReleaseDiffTests : IAsyncLifetime
{
    private const int HttpPort = 18151;
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-diff-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;

    private string ConfigFile => Path.Combine(_scratch, "devops-agent.yml");

    public Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "diff");
        // The release's checkout brings its own devops-agent.yml; the test's config lives outside the app folder.
        File.Delete(_app.ConfigFile);
        _app.WriteFile(".env", $"""
            APP_ENV=staging
            POSTGRES_USER=shop
            POSTGRES_PASSWORD={_password}
            POSTGRES_DB=shop
            DATABASE_URL=postgresql://shop:{_password}@db:5432/shop
            SECRET_KEY={Guid.NewGuid():N}{Guid.NewGuid():N}
            VITE_API_BASE_URL=
            HTTP_PORT={HttpPort}

            """);
        var server = TestBed.Current.Server("staging");
        File.WriteAllText(ConfigFile, $"""
            project: diff
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
                compose_project: {_app.Name}
                health:
                  timeout: 180s
                  interval: 1s
                  http:
                    - url: http://localhost:{HttpPort}/health
                      json:
                        status: healthy
                  database: db
            """);
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using (var ssh = await TestBed.Current.ConnectAsync("staging", timeout.Token))
        {
            // The project's images (release tags included) are this test's own; their layers stay in the build cache.
            await ssh.RunAsync(ShellCommand.Raw($"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]' | xargs -r docker rmi -f >/dev/null"), timeout.Token);
        }

        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task After_deploying_v1_0_0_then_v1_1_0_the_diff_lists_their_real_commits_and_migration_0002()
    {
        foreach (var tag in new[] { "v1.0.0", "v1.1.0" })
        {
            var deploy = await CliAsync("deploy", "staging", "--ref", tag, "--project-dir", Path.GetDirectoryName(AgentCli.ExampleConfig)!);
            Assert.True(deploy.ExitCode == 0, $"deploy {tag} → {deploy.ExitCode}\n{deploy.Out}\n{deploy.Error}");
        }

        var origin = TestBed.Current.Origin;
        var expected = TestBed.Git(origin, "log", "--format=%H %s", "v1.0.0..v1.1.0").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var (from, to) = (TestBed.Git(origin, "rev-parse", "v1.0.0^{commit}").Trim(), TestBed.Git(origin, "rev-parse", "v1.1.0^{commit}").Trim());

        // The defaults: the release before the live one → the live one.
        var json = await CliAsync("diff", "staging", "--json");
        Assert.True(json.ExitCode == 0, json.Out + json.Error);
        var diff = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal((from, "v1.0.0"), (diff.GetProperty("from").GetProperty("commit").GetString(), diff.GetProperty("from").GetProperty("version").GetString()));
        Assert.Equal((to, "v1.1.0"), (diff.GetProperty("to").GetProperty("commit").GetString(), diff.GetProperty("to").GetProperty("version").GetString()));
        Assert.Equal(expected, diff.GetProperty("commits").EnumerateArray().Select(c => $"{c.GetProperty("sha").GetString()} {c.GetProperty("subject").GetString()}"));
        Assert.Empty(diff.GetProperty("commits_only_in_from").EnumerateArray());
        var migration = Assert.Single(diff.GetProperty("migrations").EnumerateArray());
        Assert.Equal(("backend/alembic/versions/0002_add_item_description.py", "added"), (migration.GetProperty("path").GetString(), migration.GetProperty("change").GetString()));

        // Named refs, the other way round: what going back to v1.0.0 leaves out, and the migration it removes.
        var back = await CliAsync("diff", "staging", "--from", "v1.1.0", "--to", "v1.0.0");
        Assert.True(back.ExitCode == 0, back.Out + back.Error);
        Assert.Contains("Commits (0):\n  none\n", back.Out);
        Assert.Contains($"Commits of v1.1.0 that v1.0.0 does not have (1):\n  {to[..12]} 2024-02-01 Shop Developer: Shop 1.1.0: items get a description\n", back.Out);
        Assert.Contains("  removed  backend/alembic/versions/0002_add_item_description.py\n", back.Out);

        var refused = await CliAsync("diff", "staging", "--to", "v1.1.0;id");
        Assert.Equal((4, ""), (refused.ExitCode, refused.Out));

        // The dashboard's page, read the same way.
        var page = await DashboardPageAsync("/diff/staging");
        Assert.Contains($"<td><code>{to[..12]}</code></td><td>2024-02-01 10:00:00 UTC</td><td>Shop Developer</td><td>Shop 1.1.0: items get a description</td>", page);
        Assert.Contains("<td class=\"ok\">added</td><td><code>backend/alembic/versions/0002_add_item_description.py</code></td>", page);
        Assert.Contains($"<option value=\"{to}\" selected>v1.1.0 · {to[..12]} · ", page);
        Assert.DoesNotContain(_password, page, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args) => _cli.RunAsync([.. args, "--config", ConfigFile]);

    private async Task<string> DashboardPageAsync(string path)
    {
        using var stop = new CancellationTokenSource();
        var port = LoopbackPort.Free();
        var console = new CliConsole(new StringWriter(), new StringWriter()) { Interactive = false };
        var dashboard = CliApp.RunAsync(["dashboard", "--bind", $"127.0.0.1:{port}", "--config", ConfigFile, "--history", Path.Combine(_scratch, "history.db")], console, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (i < 100 && !dashboard.IsCompleted)
                {
                }

                await Task.Delay(200);
            }

            return await http.GetStringAsync(path);
        }
        finally
        {
            await stop.CancelAsync();
            await dashboard;
        }
    }
}
