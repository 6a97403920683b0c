using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Fleet;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;
using static DevOpsAgent.Core.Tests.Fleet.FleetDeployWorkflowTests;

namespace DevOpsAgent.Core.Tests.Fleet;

/// <summary>`rollback` of an environment with several hosts, after a fleet deploy, one scripted runner per host.</summary>
public sealed class FleetRollbackWorkflowTests
{
    private readonly MemoryHistory _history = new();

    private Func<HostConfig, CancellationToken, Task<ICommandRunner>> Connect(FakeHost[] hosts) =>
        (host, _) => Task.FromResult<ICommandRunner>(hosts.Single(h => h.Host == host));

    /// <summary>Every host serves the release <see cref="ProtocolFakes.Commit"/>, the database at a2; they served <see cref="ProtocolFakes.Previous"/> at a1.</summary>
    private async Task<(EnvironmentConfig Environment, FakeHost[] Hosts, FleetProbe Probe)> DeployedAsync(int hosts, int parallel = 4)
    {
        var (environment, fakes, probe) = Scenario(hosts, parallel);
        var deployed = await new FleetDeployWorker(WithMigrations, Connect(fakes), new MemoryHistory(), SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(environment, GitRef.Parse("staging"), "alice@laptop"), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, deployed.ExitCode);
        Assert.Equal("a2", probe.Revision);
        return (environment, fakes, probe);
    }

    private Task<FleetDeployResult> RollbackAsync(EnvironmentConfig environment, FakeHost[] hosts, string? to = null) =>
        new FleetRollbackWorker(WithMigrations, Connect(hosts), _history, SilentObserver.Instance, TimeProvider.System)
            .RollbackAsync(environment, to, "bob@laptop", "TASK-7", DeployLock.DefaultStaleAfter, CancellationToken.None);

    [Fact]
    public async Task Every_host_goes_back_the_others_first_and_the_first_host_last_with_the_one_downgrade()
    {
        var (environment, hosts, probe) = await DeployedAsync(hosts: 3);
        var before = hosts.Select(h => h.Log.Count).ToArray();

        var result = await RollbackAsync(environment, hosts);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.All(result.Hosts, l => Assert.Equal(DeployOutcome.Succeeded, l.Outcome));
        Assert.Equal("a1", probe.Revision);
        // The database moves once, on the first host, after every other host is back on the older code.
        Assert.Equal(1, hosts.Sum(h => h.Log.Skip(before[Array.IndexOf(hosts, h)]).Count(l => l.Text.Contains("alembic downgrade", StringComparison.Ordinal))));
        var downgrade = LastOf(hosts[0], "alembic downgrade");
        Assert.All(hosts.Skip(1), h => Assert.True(LastOf(h, Up) < downgrade, $"{h.Host.Name} came back after the downgrade"));
        Assert.All(hosts, h => Assert.EndsWith($"checkout --quiet --force --detach {ProtocolFakes.Previous}",
            h.Texts.Last(t => t.Contains("checkout --quiet", StringComparison.Ordinal)), StringComparison.Ordinal));
        Assert.True(result.Hosts[0].Migrated);

        var record = Assert.Single(_history.Saved.DistinctBy(r => r.Id));
        Assert.Equal(result.Record, _history.Saved[^1]);
        Assert.Equal(("rollback", DeployOutcome.Succeeded, ProtocolFakes.Previous, "TASK-7"), (record.Action, result.Record.Outcome, result.Record.Commit, result.Record.TaskId));
        Assert.Equal(["fleet lock", "choose release"], result.Record.Steps.Take(2).Select(s => s.Name));
        Assert.Contains(result.Record.Steps, s => s.Name == "deploy@web2.example.com:22: record release");
        Assert.Equal(["host deploy@web1.example.com:22", "host deploy@web2.example.com:22", "host deploy@web3.example.com:22"],
            result.Record.Steps.TakeLast(3).Select(s => s.Name));
        Assert.Contains("rm -rf /var/www/shop/.devops-agent/fleet/.devops-agent/lock", hosts[0].Log[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_cannot_go_back_leaves_the_first_host_and_the_database_on_the_newer_release()
    {
        var (environment, hosts, probe) = await DeployedAsync(hosts: 3, parallel: 1);
        var primaryBefore = hosts[0].Log.Count;
        hosts[2].FailOn = Up;

        var result = await RollbackAsync(environment, hosts);

        Assert.Equal(ExitCodes.RollbackFailed, result.ExitCode);
        Assert.Equal(DeployOutcome.Failed, result.Record.Outcome);
        Assert.Equal("a2", probe.Revision);
        Assert.Equal([DeployOutcome.Running, DeployOutcome.Succeeded, DeployOutcome.Failed], result.Hosts.Select(l => l.Outcome));
        Assert.StartsWith("not rolled back: deploy@web3.example.com:22 did not get back to v1.0.0", result.Hosts[0].Error, StringComparison.Ordinal);
        // On the first host: the fleet lock, reading its releases, and the lock's release; nothing of the app changed.
        Assert.DoesNotContain(hosts[0].Log.Skip(primaryBefore), l => l.Text.Contains(Up, StringComparison.Ordinal) || l.Text.Contains("checkout", StringComparison.Ordinal));
        Assert.StartsWith("deploy@web3.example.com:22: ", result.Record.Error, StringComparison.Ordinal);
        Assert.EndsWith("run `devops-agent rollback staging --to v1.0.0` again: hosts already back are re-checked, not changed", result.Record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_it_again_after_the_cause_is_fixed_finishes_the_rollback()
    {
        var (environment, hosts, probe) = await DeployedAsync(hosts: 3, parallel: 1);
        hosts[2].FailOn = Up;
        await RollbackAsync(environment, hosts);

        var again = await RollbackAsync(environment, hosts, to: "v1.0.0");

        Assert.Equal(ExitCodes.Success, again.ExitCode);
        Assert.All(again.Hosts, l => Assert.Equal(DeployOutcome.Succeeded, l.Outcome));
        Assert.Equal("a1", probe.Revision);
    }

    [Fact]
    public async Task A_release_the_first_host_never_served_is_refused_before_any_host_is_touched()
    {
        var (environment, hosts, _) = await DeployedAsync(hosts: 2);
        var before = hosts.Select(h => h.Log.Count).ToArray();

        var result = await RollbackAsync(environment, hosts, to: "v0.9.0");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal(DeployOutcome.Refused, result.Record.Outcome);
        Assert.StartsWith("no earlier release of staging matches 'v0.9.0'", result.Record.Error, StringComparison.Ordinal);
        Assert.Equal(before[1], hosts[1].Log.Count);
        Assert.DoesNotContain(hosts[0].Log.Skip(before[0]), l => l.Text.Contains(Up, StringComparison.Ordinal) || l.Text.Contains("checkout", StringComparison.Ordinal));
    }
}
