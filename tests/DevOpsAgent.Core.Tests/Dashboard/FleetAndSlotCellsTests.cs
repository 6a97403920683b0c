using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Status;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Dashboard;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>The overview's live slot of a zero-downtime environment, and every host of an environment of several.</summary>
public sealed class FleetAndSlotCellsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static EnvironmentStatus Status(string commit, string version, string? slot = null) =>
        new("production", "deploy@h:22", new ServerRelease("production", version, commit, version, At, "me@box", null, "d1") { Slot = slot },
            [new ServiceStatus("backend", "running (healthy)", true)])
        { LiveSlot = slot };

    [Fact]
    public void A_zero_downtime_environment_shows_its_live_slot_and_one_project_says_single()
    {
        Assert.Equal("<b>green</b>", StatusCells.Of("production", new StatusView("production", Status(ProtocolFakes.Commit, "v1.1.0", "green"), null, At)).Slot);
        Assert.Equal("single", StatusCells.Of("production", new StatusView("production", Status(ProtocolFakes.Commit, "v1.1.0"), null, At)).Slot);
        Assert.Equal("-", StatusCells.Of("production", new StatusView("production", null, "no answer within 8 s", At)).Slot);
    }

    [Fact]
    public void A_fleet_on_one_release_says_so_and_a_half_done_one_lists_each_host()
    {
        var other = new string('b', 40);
        var same = new StatusView("production", Status(ProtocolFakes.Commit, "v1.1.0"), null, At)
        {
            Hosts = [new("deploy@h1:22", Status(ProtocolFakes.Commit, "v1.1.0"), null), new("deploy@h2:22", Status(ProtocolFakes.Commit, "v1.1.0"), null)],
        };
        var cells = StatusCells.Of("production", same);
        Assert.Contains("v1.1.0", cells.Release, StringComparison.Ordinal);
        Assert.EndsWith("<small>on all 2 hosts</small>", cells.Release, StringComparison.Ordinal);
        Assert.Equal("deploy@h1:22: <span class=\"ok\">All services running, healthy.</span><br>deploy@h2:22: <span class=\"ok\">All services running, healthy.</span>", cells.Health);

        var mixed = same with
        {
            Hosts = [new("deploy@h1:22", Status(ProtocolFakes.Commit, "v1.1.0"), null), new("deploy@h2:22", Status(other, "v1.0.0"), null), new("deploy@<h3>:22", null, "ssh: connection refused")],
        };
        cells = StatusCells.Of("production", mixed);
        Assert.Equal(
            $"<span class=\"warn\">hosts differ</span><br>deploy@h1:22: v1.1.0 <code>{ProtocolFakes.Commit[..12]}</code><br>deploy@h2:22: v1.0.0 <code>bbbbbbbbbbbb</code><br>deploy@&lt;h3&gt;:22: ?",
            cells.Release);
        Assert.EndsWith("deploy@&lt;h3&gt;:22: <span class=\"bad\">unreachable: ssh: connection refused</span>", cells.Health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cache_reads_every_host_of_a_fleet_and_one_dead_host_does_not_hide_the_others()
    {
        var environment = ProtocolFakes.Environment("production", "v1.1.0") with
        {
            Server = "h1",
            Hosts = [new HostConfig("h1", 22, "deploy"), new HostConfig("h2", 22, "deploy"), new HostConfig("h3", 2222, "ops")],
        };
        var asked = new List<string>();
        var context = new DashboardContext
        {
            Config = ProtocolFakes.Config,
            History = new MemoryHistory(),
            ConnectAsync = (e, _) =>
            {
                lock (asked)
                {
                    asked.Add($"{e.User}@{e.Server}:{e.Port}");
                }

                return e.Server == "h2"
                    ? throw new ConnectionFailedException("ssh: connection refused <at> h2")
                    : Task.FromResult<ICommandRunner>(ProtocolFakes.HealthyServer());
            },
            Actor = "dashboard (me@box)",
        };

        var view = await new StatusCache(context, TimeProvider.System).RefreshAsync(environment);

        Assert.Equal(["deploy@h1:22", "deploy@h2:22", "ops@h3:2222"], asked.Order());
        Assert.Equal(["deploy@h1:22", "deploy@h2:22", "ops@h3:2222"], view.Hosts.Select(h => h.Host));
        Assert.NotNull(view.Status);
        Assert.Null(view.Error);
        Assert.Equal("ssh: connection refused <at> h2", view.Hosts[1].Error);
        Assert.NotNull(view.Hosts[2].Status);
        Assert.Contains("deploy@h1:22<br>deploy@h2:22<br>ops@h3:2222", Pages.Overview(ProtocolFakes.Config, [(environment, view)], []), StringComparison.Ordinal);
    }
}
