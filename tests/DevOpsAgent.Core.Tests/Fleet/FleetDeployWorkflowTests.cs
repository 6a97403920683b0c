using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Fleet;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Fleet;

/// <summary>A deploy to several hosts, one scripted runner per host.</summary>
public sealed class FleetDeployWorkflowTests
{
    internal const string Build = "docker-compose.prod.yml build";
    internal const string Up = " up -d --remove-orphans";
    private const string KeepImages = "docker image inspect -f '{{.Id}}' \"$repo:latest\"";

    private readonly MemoryHistory _history = new();

    internal static EnvironmentConfig Fleet(int hosts, int parallel = 4, bool canary = true)
    {
        var list = Enumerable.Range(1, hosts).Select(i => new HostConfig($"web{i}.example.com", 22, "deploy")).ToList();
        return ProtocolFakes.Environment("staging", "staging") with
        {
            Server = list[0].Host,
            Hosts = list,
            Parallel = parallel,
            Canary = canary,
        };
    }

    internal static (EnvironmentConfig Environment, FakeHost[] Hosts, FleetProbe Probe) Scenario(int hosts, int parallel = 4, int rendezvous = 1, bool canary = true)
    {
        var environment = Fleet(hosts, parallel, canary);
        var probe = new FleetProbe { Expected = canary ? hosts - 1 : hosts, Rendezvous = rendezvous };
        return (environment, [.. environment.Hosts.Select((h, i) => new FakeHost(h, probe, canary: canary && i == 0))], probe);
    }

    private Task<FleetDeployResult> DeployAsync(
        EnvironmentConfig environment, FakeHost[] hosts, CancellationToken cancellationToken = default, AgentConfig? config = null, string? unreachable = null) =>
        new FleetDeployWorker(config ?? ProtocolFakes.Config, (host, _) => host.Host == unreachable
                ? throw new System.Net.Sockets.SocketException(111)
                : Task.FromResult<ICommandRunner>(hosts.Single(h => h.Host == host)),
                _history, SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(environment, GitRef.Parse("staging"), "alice@laptop") { TaskId = "TASK-12" }, cancellationToken);

    /// <summary>Completes once <paramref name="host"/> has run a command containing <paramref name="fragment"/>.</summary>
    private static Task Seen(FakeHost host, string fragment)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = host.OnCommand;
        host.OnCommand = text =>
        {
            before?.Invoke(text);
            if (text.Contains(fragment, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        };
        return seen.Task;
    }

    internal static long LastOf(FakeHost host, string fragment) => host.Log.Last(l => l.Text.Contains(fragment, StringComparison.Ordinal)).Sequence;

    [Fact]
    public async Task The_others_prepare_while_the_canary_deploys_and_start_nothing_before_it_is_healthy()
    {
        var (environment, hosts, probe) = Scenario(hosts: 6, parallel: 2, rendezvous: 2);
        // The canary's up waits for web2's and web3's builds (parallel: 2): a fleet that ran the canary alone first would
        // never get there (the wait times out and the canary fails).
        var built = hosts.Skip(1).Take(2).Select(h => Seen(h, Build)).ToList();
        hosts[0].BeforeCommand = text => text.Contains(Up, StringComparison.Ordinal) ? Task.WhenAll(built) : Task.CompletedTask;

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.All(hosts, h => Assert.True(h.Ran(Up), $"{h.Host.Name} never ran up"));
        var canaryHealthy = LastOf(hosts[0], "release.json.tmp");
        // No host started the release before the canary was healthy.
        Assert.All(hosts.Skip(1), h => Assert.True(h.Log.First(l => l.Text.Contains(Up, StringComparison.Ordinal)).Sequence > canaryHealthy, $"{h.Host.Name} ran up before the canary was healthy"));
        Assert.Equal(2, probe.MaxBuilding);
        // The canary and at most two others hold their host's lock at once.
        Assert.Equal(3, probe.MaxDeploying);
        Assert.Equal(DeployOutcome.Succeeded, result.Record.Outcome);
        Assert.Equal(6, result.Hosts.Count);
        Assert.All(result.Hosts, l => Assert.Equal(DeployOutcome.Succeeded, l.Outcome));
        Assert.Matches(@"^deploy@web1\.example\.com:22 healthy on the release \(waited [0-9]+\.[0-9]s\)$",
            result.Record.Steps.First(s => s.Name == "deploy@web2.example.com:22: wait for canary").Detail);
    }

    [Fact]
    public async Task Without_a_canary_every_host_starts_within_the_bound()
    {
        var (environment, hosts, probe) = Scenario(hosts: 3, parallel: 3, rendezvous: 3, canary: false);

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(3, probe.MaxBuilding);
    }

    [Fact]
    public async Task One_fleet_lock_on_the_primary_is_held_around_every_host_deploy()
    {
        var (environment, hosts, _) = Scenario(hosts: 3);

        await DeployAsync(environment, hosts);

        const string FleetLock = "/var/www/shop/.devops-agent/fleet/.devops-agent/lock";
        var primary = hosts[0];
        Assert.Contains(primary.Texts, t => t.Contains(FleetLock, StringComparison.Ordinal) && t.Contains("if mkdir", StringComparison.Ordinal));
        var taken = primary.Log.First(l => l.Text.Contains(FleetLock, StringComparison.Ordinal)).Sequence;
        var released = LastOf(primary, FleetLock);
        Assert.Contains("rm -rf", primary.Log.Last(l => l.Text.Contains(FleetLock, StringComparison.Ordinal)).Text, StringComparison.Ordinal);
        Assert.All(hosts, h => Assert.True(h.Log.Where(l => !l.Text.Contains(FleetLock, StringComparison.Ordinal)).All(l => l.Sequence > taken && l.Sequence < released)));
        Assert.All(hosts.Skip(1), h => Assert.DoesNotContain(h.Texts, t => t.Contains("/fleet/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task History_keeps_one_record_with_every_hosts_steps_and_a_line_per_host()
    {
        var (environment, hosts, _) = Scenario(hosts: 2);

        var result = await DeployAsync(environment, hosts);

        var record = Assert.Single(_history.Saved);
        Assert.Equal(result.Record, record);
        Assert.Equal((DeployOutcome.Succeeded, ProtocolFakes.Commit, ProtocolFakes.Previous, "TASK-12"), (record.Outcome, record.Commit, record.PreviousCommit, record.TaskId));
        Assert.Equal("fleet lock", record.Steps[0].Name);
        Assert.Contains(record.Steps, s => s.Name == "deploy@web1.example.com:22: record release");
        Assert.Contains(record.Steps, s => s.Name == "deploy@web2.example.com:22: record release");
        Assert.Equal(["host deploy@web1.example.com:22", "host deploy@web2.example.com:22"], record.Steps.TakeLast(2).Select(s => s.Name));
        Assert.StartsWith("deploy@web2.example.com:22: succeeded in ", record.Steps[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_on_host_3_rolls_back_hosts_1_and_2_and_leaves_the_rest_untouched()
    {
        var (environment, hosts, _) = Scenario(hosts: 5, parallel: 1);
        hosts[2].FailOn = Build;

        var result = await DeployAsync(environment, hosts);

        // web3 failed before it changed anything, web1 and web2 are back: the fleet rolled back (not CommandFailed).
        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.Equal(
            [DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.Failed, DeployOutcome.Running, DeployOutcome.Running],
            result.Hosts.Select(l => l.Outcome));
        Assert.Equal("build", result.Hosts[2].FailedStep);
        foreach (var host in hosts.Take(2))
        {
            var up = host.Log.Where(l => l.Text.Contains(Up, StringComparison.Ordinal)).ToList();
            Assert.Equal(2, up.Count);
            Assert.Contains(host.Texts, t => t.Contains($"checkout --quiet --force --detach {ProtocolFakes.Previous}", StringComparison.Ordinal));
        }

        Assert.False(hosts[2].Ran(Up));
        Assert.All(hosts.Skip(3), h => Assert.Empty(h.Log));
        // The first host goes back last: no host runs the new code on a downgraded database.
        Assert.True(hosts[0].Log.Last(l => l.Text.Contains(Up, StringComparison.Ordinal)).Sequence > LastOf(hosts[1], Up));
        Assert.StartsWith("deploy@web3.example.com:22: ", result.Record.Error, StringComparison.Ordinal);
        Assert.Contains("deploy@web1.example.com:22: rolled back", result.Record.Steps.Single(s => s.Name == "host deploy@web1.example.com:22").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_dies_in_a_hosts_build_ends_rolled_back_once_the_others_are_back()
    {
        // What the multi-host bed's test does for real: host 3's dockerd is killed while hosts 2 and 3 build, here once the
        // canary is healthy (so that it has something to roll back).
        var (environment, hosts, _) = Scenario(hosts: 3, parallel: 2, rendezvous: 2);
        var canaryDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hosts[0].OnCommand = text =>
        {
            if (text.Contains("release.json.tmp", StringComparison.Ordinal))
            {
                canaryDone.TrySetResult();
            }
        };
        hosts[2].BeforeCommand = text => text.EndsWith(" build", StringComparison.Ordinal) ? canaryDone.Task : Task.CompletedTask;
        hosts[2].FailOn = Build;

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.Equal(DeployOutcome.RolledBack, result.Hosts[0].Outcome);
        Assert.Equal((DeployOutcome.Failed, "build"), (result.Hosts[2].Outcome, result.Hosts[2].FailedStep));
        Assert.False(hosts[2].Ran(Up));
        Assert.Equal(2, hosts[0].Count(Up));
        Assert.StartsWith("deploy@web3.example.com:22: ", result.Record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_fails_while_the_canary_deploys_stops_it_and_nothing_stays_on_the_new_release()
    {
        var (environment, hosts, _) = Scenario(hosts: 3, parallel: 2);
        const string Fetch = "git -C /var/www/shop fetch";
        hosts[2].FailOn = Fetch;
        // web3's fetch (which fails) waits until the canary builds, and the canary's build until web3's fetch has run: the
        // fleet stops the canary in its build, after its checkout and before it switches.
        var canaryBuilds = Seen(hosts[0], Build);
        var web3Fetched = Seen(hosts[2], Fetch);
        hosts[2].BeforeCommand = text => text.Contains(Fetch, StringComparison.Ordinal) ? canaryBuilds : Task.CompletedTask;
        hosts[0].BeforeCommand = async text =>
        {
            if (text.EndsWith(" build", StringComparison.Ordinal))
            {
                await web3Fetched;
                await Task.Delay(200);
            }
        };

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.CommandFailed, result.ExitCode);
        Assert.Equal(DeployOutcome.Failed, result.Record.Outcome);
        Assert.StartsWith("deploy@web3.example.com:22: ", result.Record.Error, StringComparison.Ordinal);
        Assert.All(hosts, h => Assert.False(h.Ran(Up), $"{h.Host.Name} ran up"));
        Assert.Equal((DeployOutcome.Failed, "fetch"), (result.Hosts[2].Outcome, result.Hosts[2].FailedStep));
        Assert.All(result.Hosts.Take(2), l => Assert.Equal(DeployOutcome.Failed, l.Outcome));
        // Whatever the canary and web2 had checked out is put back.
        Assert.All(hosts.Take(2).Where(h => h.Ran($"checkout --quiet --force --detach {ProtocolFakes.Commit}")), h =>
            Assert.EndsWith($"checkout --quiet --force --detach {ProtocolFakes.Previous}", h.Texts.Last(t => t.Contains("checkout --quiet", StringComparison.Ordinal)), StringComparison.Ordinal));
        Assert.True(hosts[0].Ran($"checkout --quiet --force --detach {ProtocolFakes.Commit}"));
    }

    [Fact]
    public async Task A_failed_canary_stops_the_others_before_they_change_what_they_serve()
    {
        var (environment, hosts, _) = Scenario(hosts: 3);
        hosts[0].FailOn = Up;
        // The canary's up waits until the others have kept their build's images, their last step before the wait.
        var kept = hosts.Skip(1).Select(h => Seen(h, KeepImages)).ToList();
        hosts[0].BeforeCommand = async text =>
        {
            if (text.Contains(Up, StringComparison.Ordinal))
            {
                await Task.WhenAll(kept);
                await Task.Delay(100);
            }
        };

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Hosts[0].Outcome);
        foreach (var (host, line) in hosts.Skip(1).Zip(result.Hosts.Skip(1)))
        {
            // They prepared (fetched, checked out, built) while the canary deployed, then waited for it, and put their
            // checkout back when it failed; they never started the release.
            Assert.True(host.Ran(Build));
            Assert.False(host.Ran(Up));
            Assert.DoesNotContain(host.Texts, t => t.Contains("alembic", StringComparison.Ordinal));
            Assert.EndsWith($"checkout --quiet --force --detach {ProtocolFakes.Previous}", host.Texts.Last(t => t.Contains("checkout --quiet", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Equal((DeployOutcome.Failed, "wait for canary"), (line.Outcome, line.FailedStep));
            Assert.Equal("stopped because deploy@web1.example.com:22 failed (cancelled during wait for canary)", line.Error);
        }
    }

    [Fact]
    public async Task A_cancel_reaches_every_host_and_what_switched_goes_back()
    {
        var (environment, hosts, _) = Scenario(hosts: 4, parallel: 1);
        using var cancel = new CancellationTokenSource();
        hosts[2].OnCommand = text =>
        {
            if (text.EndsWith(" build", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };

        var result = await DeployAsync(environment, hosts, cancel.Token);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        // web3 was cancelled in its build, before it changed what serves: nothing to roll back there.
        Assert.Equal([DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.Failed, DeployOutcome.Running], result.Hosts.Select(l => l.Outcome));
        Assert.StartsWith("cancelled during build", result.Hosts[2].Error, StringComparison.Ordinal);
        Assert.Empty(hosts[3].Log);
        Assert.False(hosts[2].Ran(Up));
        Assert.Equal(2, hosts[1].Count(Up));
        Assert.Contains("rm -rf /var/www/shop/.devops-agent/fleet/.devops-agent/lock", hosts[0].Log[^1].Text, StringComparison.Ordinal);
    }

    internal static readonly AgentConfig WithMigrations = ProtocolFakes.Config with { Migrations = new DevOpsAgent.Core.Migrations.MigrationsConfig() };

    [Fact]
    public async Task The_database_is_migrated_once_by_the_first_host()
    {
        var (environment, hosts, probe) = Scenario(hosts: 3);

        var result = await DeployAsync(environment, hosts, config: WithMigrations);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(1, hosts[0].Count("alembic upgrade"));
        Assert.All(hosts.Skip(1), h => Assert.DoesNotContain(h.Texts, t => t.Contains("alembic", StringComparison.Ordinal)));
        Assert.Equal("a2", probe.Revision);
        Assert.Equal(("a1", "a2"), (result.Record.RevisionBefore, result.Record.RevisionAfter));
        Assert.Equal([true, false, false], result.Hosts.Select(l => l.Migrated));
        // The others start the release only on the migrated database.
        Assert.True(LastOf(hosts[0], "alembic upgrade") < hosts[1].Log.First(l => l.Text.Contains(Up, StringComparison.Ordinal)).Sequence);
    }

    [Fact]
    public async Task A_failure_on_host_3_downgrades_the_database_once_after_the_others_went_back()
    {
        var (environment, hosts, probe) = Scenario(hosts: 4, parallel: 1);
        hosts[2].FailOn = Up;

        var result = await DeployAsync(environment, hosts, config: WithMigrations);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.Equal([DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.Running], result.Hosts.Select(l => l.Outcome));
        Assert.Equal(1, hosts.Sum(h => h.Count("alembic downgrade")));
        Assert.Equal(1, hosts[0].Count("alembic downgrade a1"));
        Assert.Equal("a1", probe.Revision);
        Assert.True(LastOf(hosts[0], "alembic downgrade") > LastOf(hosts[1], Up));
        Assert.True(LastOf(hosts[0], "alembic downgrade") > LastOf(hosts[2], Up));
        Assert.Contains("(database at a1)", result.Hosts[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_host_rolls_back_the_hosts_that_switched()
    {
        var (environment, hosts, _) = Scenario(hosts: 3, parallel: 1);

        var result = await DeployAsync(environment, hosts, unreachable: "web3.example.com");

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal([DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.Failed], result.Hosts.Select(l => l.Outcome));
        Assert.Equal("connect", result.Hosts[2].FailedStep);
        Assert.StartsWith("deploy@web3.example.com:22: cannot connect to deploy@web3.example.com:22: ", result.Record.Error, StringComparison.Ordinal);
        Assert.Equal(2, hosts[1].Count(Up));
    }

    [Fact]
    public async Task Progress_names_the_host_of_every_step_and_check()
    {
        var (environment, hosts, _) = Scenario(hosts: 2);
        var observer = new Steps();

        await new FleetDeployWorker(ProtocolFakes.Config, (host, _) => Task.FromResult<ICommandRunner>(hosts.Single(h => h.Host == host)), _history, observer, TimeProvider.System)
            .DeployAsync(new DeployRequest(environment, GitRef.Parse("staging"), "alice@laptop"), CancellationToken.None);

        Assert.Equal("fleet lock", observer.Started[0]);
        Assert.Contains("deploy@web1.example.com:22: build", observer.Started);
        Assert.Contains("deploy@web2.example.com:22: build", observer.Started);
        Assert.All(observer.Started.Skip(1), s => Assert.StartsWith("deploy@web", s, StringComparison.Ordinal));
        Assert.Contains(observer.Checks, c => c.StartsWith("deploy@web2.example.com:22: ", StringComparison.Ordinal));
    }

    private sealed class Steps : IDeployObserver
    {
        public List<string> Started { get; } = [];

        public List<string> Checks { get; } = [];

        public void StepStarted(string step) => Started.Add(step);

        public void StepFinished(StepRecord step)
        {
        }

        public void CheckReported(DevOpsAgent.Core.Health.CheckResult check) => Checks.Add(check.Name);

        public void Output(string line)
        {
        }
    }
}
