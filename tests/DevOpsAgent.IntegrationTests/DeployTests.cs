using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>`devops-agent deploy` on the real test bed: staging from nothing, a new commit, a broken release.</summary>
[Collection(ReferenceStack.Collection)]
public sealed class DeployTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-deploy-").FullName;
    private readonly AgentCli _cli;

    public DeployTests() => _cli = new AgentCli(Path.Combine(_scratch, "history.db"));

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task I_can_deploy_staging_from_nothing_then_again_after_a_new_commit_on_the_branch()
    {
        var bed = TestBed.Current;
        await bed.ResetAsync("staging", "shop-staging", Timeout);
        var branch = $"it-{Guid.NewGuid():N}"[..16];
        var work = Path.Combine(_scratch, "work");
        TestBed.Git(_scratch, "clone", "--quiet", "--branch", "staging", bed.Origin, work);
        TestBed.Git(work, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}");
        try
        {
            var first = await _cli.RunAsync("deploy", "staging", "--ref", branch, "--task", "TASK-045");
            Assert.True(first.ExitCode == 0, first.Out + first.Error);
            Assert.Contains("Deployed v1.1.0 (", first.Out, StringComparison.Ordinal);
            Assert.Contains("(first deploy)", first.Out, StringComparison.Ordinal);
            Assert.Equal("1.1.0", await ServedVersionAsync());

            await File.WriteAllTextAsync(Path.Combine(work, "VERSION"), "1.1.1-it\n");
            TestBed.Git(work, "commit", "--quiet", "-am", "Shop 1.1.1-it");
            TestBed.Git(work, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}");
            var newCommit = TestBed.Git(work, "rev-parse", "HEAD").Trim();

            var second = await _cli.RunAsync("deploy", "staging", "--ref", branch);
            Assert.True(second.ExitCode == 0, second.Out + second.Error);
            Assert.Contains($"Deployed {newCommit[..12]} ({newCommit[..12]}) to staging", second.Out, StringComparison.Ordinal);
            Assert.Equal("1.1.1-it", await ServedVersionAsync());

            var history = await _cli.RunAsync("history", "staging", "--json");
            using var records = JsonDocument.Parse(history.Out);
            var deploys = records.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, deploys.Count);
            Assert.Equal(newCommit, deploys[0].GetProperty("commit").GetString());
            Assert.Equal("TASK-045", deploys[1].GetProperty("task_id").GetString());
            for (var i = 0; i < deploys.Count; i++)
            {
                var deploy = deploys[i];
                var firstDeploy = i == deploys.Count - 1;
                Assert.Equal("succeeded", deploy.GetProperty("outcome").GetString());
                var steps = deploy.GetProperty("steps").EnumerateArray().ToList();
                Assert.Equal(["check", "lock", "detect compose", "fetch", "resolve", .. firstDeploy ? Array.Empty<string>() : ["keep serving release"], "checkout", "build", "keep images",
                    "migrations plan", .. firstDeploy ? ["migrate"] : Array.Empty<string>(), "up", "health", "record release"],
                    steps.Select(s => s.GetProperty("name").GetString()));
                Assert.All(steps, s => Assert.Matches(@"^\d\d:\d\d:\d\d", s.GetProperty("duration").GetString()!));
            }

            var status = await _cli.RunAsync("status", "staging", "--json");
            Assert.Equal(0, status.ExitCode);
            using var live = JsonDocument.Parse(status.Out);
            Assert.True(live.RootElement.GetProperty("all_healthy").GetBoolean());
            Assert.Equal(newCommit, live.RootElement.GetProperty("release").GetProperty("commit").GetString());
            Assert.Equal("All services running, healthy.", live.RootElement.GetProperty("summary").GetString());

            var logs = await _cli.RunAsync("logs", "staging", "backend", "--tail", "5", "--json");
            Assert.Equal(0, logs.ExitCode);
            using (var lines = JsonDocument.Parse(logs.Out))
            {
                Assert.InRange(lines.RootElement.GetArrayLength(), 1, 5);
                Assert.All(lines.RootElement.EnumerateArray(), l => Assert.Equal("backend", l.GetProperty("service").GetString()));
            }

            var text = await _cli.RunAsync("status", "staging");
            Assert.Contains($"Release:  {newCommit[..12]} ({newCommit[..12]})", text.Out, StringComparison.Ordinal);
        }
        finally
        {
            TestBed.Git(work, "push", "--quiet", "origin", "--delete", branch);
        }
    }

    [Fact]
    public async Task A_broken_release_fails_naming_the_failing_check_and_is_rolled_back()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", Timeout);
        Assert.Equal(0, (await _cli.RunAsync("deploy", "staging", "--ref", "v1.1.0")).ExitCode);

        var broken = await _cli.RunAsync("deploy", "staging", "--ref", "v1.2.0-broken");

        Assert.Equal(ExitCodes.RolledBack, broken.ExitCode);
        Assert.Contains("FAIL containers: backend is running (unhealthy)", broken.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL http http://localhost:8080/health: HTTP 503, expected 200", broken.Out, StringComparison.Ordinal);
        Assert.Contains("backend | ", broken.Out, StringComparison.Ordinal);
        Assert.Contains("relation \"item_audit\" does not exist", broken.Out, StringComparison.Ordinal);
        Assert.Contains("ok   rollback: images", broken.Out, StringComparison.Ordinal);
        Assert.StartsWith("error: deploy of v1.2.0-broken to staging FAILED and was ROLLED BACK", broken.Error, StringComparison.Ordinal);
        Assert.Contains("health check failed: containers: FAILED — backend is running (unhealthy)", broken.Error, StringComparison.Ordinal);
        Assert.Contains("rolled back to v1.1.0 (database at 0002)", broken.Error, StringComparison.Ordinal);
        Assert.Equal("1.1.0", await ServedVersionAsync());

        var history = await _cli.RunAsync("history", "staging", "--json");
        using var records = JsonDocument.Parse(history.Out);
        var last = records.RootElement[0];
        Assert.Equal(("rolled_back", "v1.2.0-broken"), (last.GetProperty("outcome").GetString(), last.GetProperty("version").GetString()));
        Assert.Equal("rollback: health", last.GetProperty("steps").EnumerateArray().Last().GetProperty("name").GetString());

        var status = await _cli.RunAsync("status", "staging");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Release:  v1.1.0", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ref_with_shell_metacharacters_is_refused_before_any_connection()
    {
        var config = Path.Combine(_scratch, "devops-agent.yml");
        // Port 1 answers nothing: reaching it would fail with a connection error, not this one.
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(AgentCli.ExampleConfig)).Replace("port: 2222", "port: 1", StringComparison.Ordinal));

        var result = await _cli.RunAsync("deploy", "staging", "--ref", "v1;rm -rf /", "--config", config);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal("error: Invalid git ref 'v1;rm -rf /': ';' is not allowed in a ref.\n", result.Error);
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_by_deploy()
    {
        var config = Path.Combine(_scratch, "devops-agent.yml");
        var knownHosts = Path.Combine(_scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(AgentCli.ExampleConfig))
            .Replace("/var/lib/devops-agent-testbed/keys/known_hosts", knownHosts, StringComparison.Ordinal));

        var result = await _cli.RunAsync("deploy", "staging", "--config", config);

        Assert.Equal(ExitCodes.ConnectionFailed, result.ExitCode);
        Assert.StartsWith("error: Host key of [127.0.0.1]:2222 is unknown (ssh-ed25519 SHA256:", result.Error, StringComparison.Ordinal);
        Assert.Equal("", await File.ReadAllTextAsync(knownHosts));
    }

    [Fact]
    public async Task A_bad_config_is_refused_with_its_yaml_path()
    {
        var config = Path.Combine(_scratch, "devops-agent.yml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(AgentCli.ExampleConfig)).Replace("    user: deploy\n", "", StringComparison.Ordinal));

        var result = await _cli.RunAsync("deploy", "staging", "--config", config);

        Assert.Equal(ExitCodes.InvalidConfiguration, result.ExitCode);
        Assert.StartsWith($"error: {config}: environments/staging/user: required (or set REMOTE_USER)", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string> ServedVersionAsync()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var body = (await ssh.RunAsync(ShellCommand.Of("curl", "-fsS", "http://localhost:8080/health"), Timeout)).EnsureSuccess().StandardOutput;
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("version").GetString()!;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
