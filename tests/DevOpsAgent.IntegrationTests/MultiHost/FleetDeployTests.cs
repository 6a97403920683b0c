using System.Text.Json;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>
/// `devops-agent deploy` of the reference stack to every host of the multi-host bed: real sshd, dockerd and compose on
/// each host. The tests share the hosts, so they run one after another, in the order below (each one still puts the
/// fleet where it needs it if an earlier one did not run).
/// </summary>
[Collection(HostsBed.Collection)]
[TestCaseOrderer("DevOpsAgent.IntegrationTests.MultiHost.ByOrder", "DevOpsAgent.IntegrationTests")]
public sealed partial class FleetDeployTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-fleet-").FullName;
    private readonly AgentCli _cli;

    public FleetDeployTests() => _cli = new AgentCli(Path.Combine(_scratch, "history.db"));

    private static HostsBed Bed => HostsBed.Current!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private static string ProjectDir => Path.GetDirectoryName(AgentCli.ExampleConfig)!;

    private Task<(int ExitCode, string Out, string Error)> DeployAsync(string reference) =>
        _cli.RunAsync("deploy", "fleet", "--ref", reference, "--config", Bed.WriteConfig(_scratch), "--project-dir", ProjectDir);

    [MultiHostFact]
    [Order(1)]
    public async Task I_can_deploy_v1_0_0_then_v1_1_0_to_three_hosts_with_one_migration_run_and_one_history_record()
    {
        await Bed.ResetAsync(Timeout);

        var first = await DeployAsync("v1.0.0");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        await AssertEveryHostServesAsync("1.0.0");

        var second = await DeployAsync("v1.1.0");

        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        Assert.Contains("Deployed v1.1.0 (", second.Out, StringComparison.Ordinal);
        await AssertEveryHostServesAsync("1.1.0");
        // Migrated once, by the first host: each host has a db of its own in this stack, only the first one's moved.
        Assert.Equal("0002", await Bed.RevisionAsync(1, Timeout));
        foreach (var host in Bed.Numbers.Skip(1))
        {
            Assert.Equal("", await Bed.RevisionAsync(host, Timeout));
        }

        var history = await _cli.RunAsync("history", "fleet", "--json", "--config", Bed.WriteConfig(_scratch));
        using var records = JsonDocument.Parse(history.Out);
        Assert.Equal(2, records.RootElement.GetArrayLength());
        var last = records.RootElement[0];
        Assert.Equal(("succeeded", "v1.1.0"), (last.GetProperty("outcome").GetString(), last.GetProperty("version").GetString()));
        var steps = last.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();
        Assert.Equal(Bed.Numbers.Select(i => $"host {Bed.AgentName(i)}"), steps.TakeLast(Bed.Count));
        Assert.Equal([$"{Bed.AgentName(1)}: migrate"], steps.Where(s => s.EndsWith(": migrate", StringComparison.Ordinal)));
        Assert.All(Bed.Numbers, i => Assert.Contains($"{Bed.AgentName(i)}: health", steps));
        // Built once, by the first host, and pushed to the bed's registry; the others pulled it instead of building.
        Assert.Equal([$"{Bed.AgentName(1)}: build"], steps.Where(s => s.EndsWith(": build", StringComparison.Ordinal)));
        Assert.Equal([$"{Bed.AgentName(1)}: push"], steps.Where(s => s.EndsWith(": push", StringComparison.Ordinal)));
        Assert.Equal(Bed.Numbers.Skip(1).Select(i => $"{Bed.AgentName(i)}: pull"), steps.Where(s => s.EndsWith(": pull", StringComparison.Ordinal)));
        // Every host runs that very image.
        var running = $"docker ps -q --filter label=com.docker.compose.project={HostsBed.Project} --filter label=com.docker.compose.service=backend "
            + "| xargs -r docker inspect -f '{{.Image}}'";
        var backend = await Bed.RunAsync(1, running, Timeout);
        Assert.StartsWith("sha256:", backend, StringComparison.Ordinal);
        foreach (var host in Bed.Numbers.Skip(1))
        {
            Assert.Equal(backend, await Bed.RunAsync(host, running, Timeout));
        }
    }

    [MultiHostFact]
    [Order(2)]
    public async Task I_can_roll_the_whole_fleet_back_and_the_database_goes_down_once_on_the_first_host()
    {
        await EnsureEveryHostServesAsync("v1.1.0");

        var back = await _cli.RunAsync("rollback", "fleet", "--config", Bed.WriteConfig(_scratch));

        Assert.True(back.ExitCode == 0, back.Out + back.Error);
        Assert.Contains("Rolled back v1.0.0 (", back.Out, StringComparison.Ordinal);
        Assert.All(Bed.Numbers, i => Assert.Matches($@"{Regex.Escape(Bed.AgentName(i))}: succeeded in [0-9.]+s", back.Out));
        Assert.Contains($"{Bed.AgentName(1)}: succeeded", back.Out.Split('\n').Single(l => l.Contains("(ran the migrations)", StringComparison.Ordinal)), StringComparison.Ordinal);
        await AssertEveryHostServesAsync("1.0.0");
        Assert.Equal("0001", await Bed.RevisionAsync(1, Timeout));

        var history = await _cli.RunAsync("history", "fleet", "--json", "--config", Bed.WriteConfig(_scratch));
        using var records = JsonDocument.Parse(history.Out);
        var last = records.RootElement[0];
        Assert.Equal(("rollback", "succeeded", "v1.0.0"),
            (last.GetProperty("action").GetString(), last.GetProperty("outcome").GetString(), last.GetProperty("version").GetString()));
        var steps = last.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();
        Assert.Equal(Bed.Numbers.Select(i => $"host {Bed.AgentName(i)}"), steps.TakeLast(Bed.Count));

        // `logs` of a fleet reads every host, each line with its host.
        var logs = await _cli.RunAsync("logs", "fleet", "backend", "--tail", "3", "--json", "--config", Bed.WriteConfig(_scratch));
        Assert.True(logs.ExitCode == 0, logs.Out + logs.Error);
        using var entries = JsonDocument.Parse(logs.Out);
        var hosts = entries.RootElement.EnumerateArray().Select(e => (e.GetProperty("host").GetString(), e.GetProperty("service").GetString())).Distinct().Order().ToList();
        Assert.Equal(Bed.Numbers.Select(i => ((string?)Bed.AgentName(i), (string?)"backend")).Order(), hosts);
    }

    [MultiHostFact]
    [Order(3)]
    public async Task A_broken_release_is_stopped_by_the_canary_and_every_host_stays_on_the_previous_release()
    {
        await EnsureEveryHostServesAsync("v1.1.0");

        var broken = await DeployAsync("v1.2.0-broken");

        Assert.True(broken.ExitCode == ExitCodes.RolledBack, broken.Out + broken.Error);
        Assert.StartsWith("error: deploy of v1.2.0-broken to fleet FAILED and was ROLLED BACK", broken.Error, StringComparison.Ordinal);
        Assert.Contains($"{Bed.AgentName(1)}: rolled back", broken.Out + broken.Error, StringComparison.Ordinal);
        // The others prepared while the canary deployed and were stopped before they started anything.
        Assert.All(Bed.Numbers.Skip(1), i => Assert.Contains(
            $"{Bed.AgentName(i)}: failed in ", broken.Out + broken.Error, StringComparison.Ordinal));
        Assert.All(Bed.Numbers.Skip(1), i => Assert.Matches(
            $@"{Regex.Escape(Bed.AgentName(i))}: failed in [0-9.]+s — failed at wait for canary: stopped because {Regex.Escape(Bed.AgentName(1))} failed",
            broken.Out + broken.Error));
        await AssertEveryHostServesAsync("1.1.0");
        Assert.Equal("0002", await Bed.RevisionAsync(1, Timeout));
    }

    [MultiHostFact]
    [Order(4)]
    public async Task When_a_hosts_dockerd_dies_mid_deploy_the_fleet_rolls_back_to_the_release_it_served()
    {
        await EnsureEveryHostServesAsync("v1.1.0");
        var branch = await PushReleaseAsync("1.1.1-fleet");
        var victim = Bed.Count;
        try
        {
            var deploy = DeployAsync(branch);
            await KillEngineDuringImagesAsync(victim, deploy);
            var result = await deploy;

            // The victim pulls while the canary deploys: the fleet stops the canary wherever it is, and it puts back
            // what it changed. Stopped after its switch, it rolled back (the fleet's exit code says so); before, it
            // changed nothing and the victim's failure names the exit code. Either way every host serves 1.1.0.
            var output = result.Out + result.Error;
            Assert.True(result.ExitCode is ExitCodes.RolledBack or ExitCodes.CommandFailed, output);
            Assert.Contains($"{Bed.AgentName(victim)}: failed", output, StringComparison.Ordinal);
            Assert.Contains(result.ExitCode == ExitCodes.RolledBack ? $"{Bed.AgentName(1)}: rolled back" : $"{Bed.AgentName(1)}: failed", output, StringComparison.Ordinal);
            foreach (var host in Bed.Numbers.Where(i => i != victim))
            {
                Assert.Equal(("1.1.0", true), await Bed.ServesAsync(host, Timeout));
            }
        }
        finally
        {
            await Bed.RestoreEngineAsync(victim, Timeout);
            TestBed.Git(Bed.Origin, "branch", "--quiet", "-D", branch);
        }

        // The victim's engine is back and it serves what it served before: the fleet is at one known healthy release.
        await WaitUntilServesAsync(victim, "1.1.0");
        await AssertEveryHostServesAsync("1.1.0");
    }

    /// <summary>
    /// Kills the host's dockerd (kill -9) once its deploy has reached the step that gets the release's images: its
    /// pull from the registry (the first host built and pushed them), or its own build without a registry.
    /// </summary>
    private static async Task KillEngineDuringImagesAsync(int host, Task deploy)
    {
        var journal = Bed.JournalOf(host);
        while (!deploy.IsCompleted)
        {
            var text = File.Exists(journal) ? await ReadSharedAsync(journal) : "";
            if (ImagesStep().IsMatch(text))
            {
                System.Diagnostics.Process.GetProcessById(Bed.DockerdPid(host)).Kill();
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the deploy ended before {Bed.AgentName(host)} reached its pull or build");
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        try
        {
            return await File.ReadAllTextAsync(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    [GeneratedRegex("\"step\"\\s*:\\s*\"(pull|build)\"")]
    private static partial Regex ImagesStep();

    /// <summary>A branch on the origin: v1.1.0 with a new VERSION and a frontend change (so both images rebuild).</summary>
    private async Task<string> PushReleaseAsync(string version)
    {
        var branch = $"it-fleet-{Guid.NewGuid():N}"[..20];
        var work = Path.Combine(_scratch, "work");
        TestBed.Git(_scratch, "clone", "--quiet", "--branch", "v1.1.0", Bed.Origin, work);
        await File.WriteAllTextAsync(Path.Combine(work, "VERSION"), version + "\n");
        await File.AppendAllTextAsync(Path.Combine(work, "frontend", "index.html"), $"<!-- {version} -->\n");
        TestBed.Git(work, "commit", "--quiet", "-am", $"Shop {version}");
        TestBed.Git(work, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}");
        return branch;
    }

    private async Task EnsureEveryHostServesAsync(string tag)
    {
        var version = tag.TrimStart('v');
        var served = await Task.WhenAll(Bed.Numbers.Select(i => Bed.ServesAsync(i, Timeout)));
        if (served.All(s => s == (version, true)))
        {
            return;
        }

        await Bed.ResetAsync(Timeout);
        var deploy = await DeployAsync(tag);
        Assert.True(deploy.ExitCode == 0, deploy.Out + deploy.Error);
    }

    private static async Task AssertEveryHostServesAsync(string version)
    {
        foreach (var host in Bed.Numbers)
        {
            Assert.Equal((version, true), await Bed.ServesAsync(host, Timeout));
        }
    }

    private static async Task WaitUntilServesAsync(int host, string version)
    {
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until && await Bed.ServesAsync(host, Timeout) != (version, true))
        {
            await Task.Delay(500);
        }
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
