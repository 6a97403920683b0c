using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.IntegrationTests.ZeroDowntime;
using Xunit.Abstractions;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>
/// `engine: swarm` with the agent's edge (<c>swarm: edge: true</c>, <c>endpoint_mode: dnsrr</c>: this kernel has no
/// IPVS) on the multi-host bed's Swarm: real sshd, dockerd, Swarm, registry. Each test starts from a removed stack,
/// deploys what it needs and removes the stack again (<see cref="SwarmStackBed"/>). The load goes through the edge
/// on the manager, as a user's load balancer would.
/// </summary>
[Collection(HostsBed.Collection)]
public sealed partial class SwarmDeployTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-swarm-").FullName;

    private AgentCli Cli => new(Path.Combine(_scratch, "history.db"));

    private static HostsBed Bed => HostsBed.Current!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    private static string ProjectDir => Path.GetDirectoryName(AgentCli.ExampleConfig)!;

    private static SteadyLoad Load(string name) => new(new SteadyLoadOptions
    {
        GetUrl = new Uri(SwarmStackBed.Url("/api/version")),
        PostUrl = new Uri(SwarmStackBed.Url("/api/items")),
        PostJson = $$"""{"name":"{{name}}"}""",
        PostShare = 0.3,
        RequestsPerSecond = 50,
    });

    private async Task<(int ExitCode, string Out, string Error)> DeployAsync(string reference, bool waitForDrain = false)
    {
        var clock = Stopwatch.StartNew();
        var result = await Cli.RunAsync("deploy", "it", "--ref", reference, "--config", SwarmStackBed.WriteConfig(_scratch, waitForDrain), "--project-dir", ProjectDir);
        output.WriteLine($"deploy {reference}: exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:0.0}s");
        return result;
    }

    /// <summary>
    /// The edge answers <paramref name="version"/> alone: five answers in a row. A replaced task keeps serving, out of
    /// DNS, for the drain (15 s) after the update completed, and the reference frontend's nginx caches the backend's
    /// address for 10 s, so for a while after a deploy the old version may still answer (documented: the drain).
    /// </summary>
    private static async Task ServesOnlyAsync(string version)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(45);
        var seen = new List<string?>();
        var inARow = 0;
        while (inARow < 5)
        {
            var answer = await SwarmStackBed.VersionAsync(Timeout);
            seen.Add(answer);
            inARow = answer == version ? inARow + 1 : 0;
            if (inARow < 5)
            {
                Assert.True(DateTimeOffset.UtcNow < until, $"the edge did not answer {version} alone within 45 s: {string.Join(", ", seen.TakeLast(20))}");
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    private async Task FreshAsync(string tag)
    {
        await SwarmStackBed.RemoveAsync(Timeout);
        var first = await DeployAsync(tag);
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Equal(tag.TrimStart('v'), await SwarmStackBed.VersionAsync(Timeout));
    }

    [MultiHostFact]
    public async Task Under_steady_load_a_swarm_update_behind_the_agents_edge_fails_no_request_and_loses_no_row()
    {
        try
        {
            await FreshAsync("v1.0.0");

            SteadyLoadSummary load;
            (int ExitCode, string Out, string Error) update;
            await using (var steady = Load("swarm-update").Start())
            {
                // wait_for_drain: the deploy ends once the replaced tasks have stopped, so from then on only 1.1.0 answers.
                update = await DeployAsync("v1.1.0", waitForDrain: true);
                load = await steady.StopAsync();
            }

            output.WriteLine(load.ToString());
            Assert.True(update.ExitCode == 0, update.Out + update.Error);
            Assert.True(load.Failed == 0, load.ToString());
            Assert.Contains("""{"version":"1.1.0"}""", load.Bodies.Keys);
            Assert.Matches("drain \\([0-9.]+s\\): replaced tasks stopped after [0-9.]+s: only the new release answers", update.Out);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("1.1.0", await SwarmStackBed.VersionAsync(Timeout));
            }

            // `logs` of a Swarm: the service's tasks on every node, through the manager.
            var logs = await Cli.RunAsync("logs", "it", "backend", "--tail", "5", "--json", "--config", SwarmStackBed.WriteConfig(_scratch));
            Assert.True(logs.ExitCode == 0, logs.Out + logs.Error);
            using var entries = System.Text.Json.JsonDocument.Parse(logs.Out);
            Assert.NotEmpty(entries.RootElement.EnumerateArray());
            Assert.All(entries.RootElement.EnumerateArray(), e => Assert.Equal("backend", e.GetProperty("service").GetString()));

            // `rollback`: back to v1.0.0's stack, then the database down to its revision with v1.1.0's migrations.
            Assert.Equal("0002", await SwarmStackBed.RevisionAsync(Timeout));
            var clock = Stopwatch.StartNew();
            var back = await Cli.RunAsync("rollback", "it", "--config", SwarmStackBed.WriteConfig(_scratch));
            output.WriteLine($"rollback: exit {back.ExitCode} in {clock.Elapsed.TotalSeconds:0.0}s: {back.Out.Split('\n').LastOrDefault(l => l.StartsWith("Rolled back", StringComparison.Ordinal))}");
            Assert.True(back.ExitCode == 0, back.Out + back.Error);
            Assert.Contains("Rolled back v1.0.0 (", back.Out, StringComparison.Ordinal);
            await ServesOnlyAsync("1.0.0");
            Assert.Equal("0001", await SwarmStackBed.RevisionAsync(Timeout));

            Assert.Equal(load.PostsSucceeded, await SwarmStackBed.RowsAsync("swarm-update", Timeout));
        }
        finally
        {
            await SwarmStackBed.RemoveAsync(Timeout);
        }
    }

    [MultiHostFact]
    public async Task Under_steady_load_a_broken_release_is_rolled_back_by_swarm_fails_no_request_and_never_answers()
    {
        try
        {
            await FreshAsync("v1.1.0");

            SteadyLoadSummary load;
            (int ExitCode, string Out, string Error) broken;
            await using (var steady = Load("swarm-broken").Start())
            {
                broken = await DeployAsync("v1.2.0-broken");
                load = await steady.StopAsync();
            }

            output.WriteLine(load.ToString());
            Assert.True(broken.ExitCode == ExitCodes.RolledBack, broken.Out + broken.Error);
            Assert.True(load.Failed == 0, load.ToString());
            Assert.Equal(["""{"version":"1.1.0"}"""], load.Bodies.Keys);
            await ServesOnlyAsync("1.1.0");
            Assert.Equal(load.PostsSucceeded, await SwarmStackBed.RowsAsync("swarm-broken", Timeout));
        }
        finally
        {
            await SwarmStackBed.RemoveAsync(Timeout);
        }
    }

    [MultiHostFact]
    public async Task When_a_workers_dockerd_dies_mid_update_the_deploy_ends_on_a_known_release_and_its_tasks_move_to_live_nodes()
    {
        var branch = "";
        var victim = 0;
        try
        {
            await FreshAsync("v1.1.0");
            branch = await PushReleaseAsync("1.1.1-swarm");

            var deploy = DeployAsync(branch);
            victim = await KillAWorkerDuringTheUpdateAsync(deploy);
            var result = await deploy;
            output.WriteLine(result.Out + result.Error);

            Assert.True(result.ExitCode is 0 or ExitCodes.RolledBack, result.Out + result.Error);
            var history = await Cli.RunAsync("history", "it", "--json", "--config", SwarmStackBed.WriteConfig(_scratch));
            using var records = JsonDocument.Parse(history.Out);
            var last = records.RootElement[0];
            var (outcome, served) = result.ExitCode == 0 ? ("succeeded", "1.1.1-swarm") : ("rolled_back", "1.1.0");
            Assert.Equal(outcome, last.GetProperty("outcome").GetString());
            await ServesOnlyAsync(served);

            // Swarm declares the node down and starts the replicated services' tasks on the live nodes.
            var victimName = $"dahost{victim}";
            var tasks = await UntilAsync(async () =>
            {
                var nodes = await SwarmStackBed.NodesAsync(Timeout);
                var placed = new[] { "backend", "frontend" }.ToDictionary(s => s, s => SwarmStackBed.TasksAsync(s, Timeout).Result);
                return nodes[victimName] == "Down" && placed.Values.All(t => t.Count == 1 && t[0].Node != victimName && t[0].State.StartsWith("Running", StringComparison.Ordinal))
                    ? placed : null;
            });
            output.WriteLine($"{outcome}; {victimName} Down; " + string.Join(", ", tasks.Select(t => $"{t.Key} on {t.Value[0].Node}")));
        }
        finally
        {
            if (victim != 0)
            {
                await RestoreAsync(victim);
                await UntilAsync(async () => (await SwarmStackBed.NodesAsync(Timeout))[$"dahost{victim}"] == "Ready" ? "" : null);
            }

            await SwarmStackBed.RemoveAsync(Timeout);
            if (branch.Length > 0)
            {
                TestBed.Git(Bed.Origin, "branch", "--quiet", "-D", branch);
            }
        }
    }

    /// <summary>
    /// Once the deploy waits on Swarm's update, kills (kill -9) the dockerd of the worker that runs the backend's
    /// task, else of dahost2, and returns its number.
    /// </summary>
    private static async Task<int> KillAWorkerDuringTheUpdateAsync(Task deploy)
    {
        var journal = Path.Combine(Bed.Directory, $"dahost{SwarmStackBed.Manager}", "www", Path.GetFileName(SwarmStackBed.AppPath), ".devops-agent", "operation.json");
        while (!deploy.IsCompleted)
        {
            var text = File.Exists(journal) ? await ReadSharedAsync(journal) : "";
            if (UpdateStep().IsMatch(text))
            {
                var nodes = (await SwarmStackBed.TasksAsync("backend", Timeout)).Select(t => t.Node).ToList();
                var victim = nodes.Contains("dahost3") && !nodes.Contains("dahost2") ? 3 : 2;
                Process.GetProcessById(Bed.DockerdPid(victim)).Kill();
                return victim;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the deploy ended before it waited on Swarm's update");
        return 0;
    }

    /// <summary>
    /// The bed's own start of the engine, once more if it fails: its first run after a kill has been seen to stop at
    /// "ipv4: Address already assigned" and the second to bring the engine back.
    /// </summary>
    private static async Task RestoreAsync(int host)
    {
        try
        {
            await Bed.RestoreEngineAsync(host, Timeout);
        }
        catch (Exception error) when (error is Xunit.Sdk.XunitException)
        {
            await Bed.RestoreEngineAsync(host, Timeout);
        }
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var until = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < until, "the Swarm did not get there in 2 minutes");
            await Task.Delay(1000);
        }
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

    [GeneratedRegex("\"step\"\\s*:\\s*\"swarm update\"")]
    private static partial Regex UpdateStep();

    /// <summary>A branch on the origin: v1.1.0 with a new VERSION and a frontend change (so both images rebuild).</summary>
    private async Task<string> PushReleaseAsync(string version)
    {
        var branch = $"it-swarm-{Guid.NewGuid():N}"[..20];
        var work = Path.Combine(_scratch, "work");
        TestBed.Git(_scratch, "clone", "--quiet", "--branch", "v1.1.0", Bed.Origin, work);
        await File.WriteAllTextAsync(Path.Combine(work, "VERSION"), version + "\n");
        await File.AppendAllTextAsync(Path.Combine(work, "frontend", "index.html"), $"<!-- {version} -->\n");
        TestBed.Git(work, "commit", "--quiet", "-am", $"Shop {version}");
        TestBed.Git(work, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}");
        return branch;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
