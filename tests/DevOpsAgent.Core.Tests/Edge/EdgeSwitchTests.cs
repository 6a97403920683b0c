using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Tests.Edge;

public sealed class EdgeSwitchTests
{
    private static readonly EdgeCommands Edge = new(ComposeFlavor.V1, new EdgeSpec("shop-production", "/var/www/shop", "8080", 80, "/"));

    private static string RuntimeCommands(RecordingCommandRunner runner) =>
        string.Join(" | ", runner.Commands.Select(c => c.Text).Select(text =>
            text.Contains(" _ '", StringComparison.Ordinal) ? text[(text.IndexOf(" _ '", StringComparison.Ordinal) + 4)..text.LastIndexOf('\'')]
            : text.Contains("haproxy.cfg.tmp", StringComparison.Ordinal) ? "write haproxy.cfg" : text));

    [Fact]
    public async Task A_switch_readies_the_new_slot_and_drains_the_old_one_in_one_call_then_puts_it_in_maintenance()
    {
        var runner = new RecordingCommandRunner()
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"))
            .Answer("state", standardOutput: "\n\n");

        var summary = await new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.StartsWith("green live; blue drained in 0.", summary);
        Assert.Equal(
            "show stat app 4 -1 | set server app/green state ready; disable health app/green; set server app/blue state drain | write haproxy.cfg | show stat app 4 -1 | set server app/blue state maint",
            RuntimeCommands(runner));
        Assert.Contains("check inter 1s fall 3 rise 1 disabled\n    server green shop-production-green:80", runner.Commands[2].Text);
    }

    [Fact]
    public async Task A_slot_that_is_not_up_is_never_switched_to()
    {
        var runner = new RecordingCommandRunner().Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-green-down.csv"));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: not switching to slot green: HAProxy sees it DOWN (L7STS 403), not UP", error.Message);
        Assert.Equal(ErrorKind.HealthCheckFailed, error.Kind);
        Assert.Equal("show stat app 4 -1", RuntimeCommands(runner));
    }

    [Fact]
    public async Task Waiting_for_a_disabled_slot_moves_it_to_drain_so_that_haproxy_checks_it()
    {
        var reads = 0;
        var runner = new RecordingCommandRunner()
            .Answer(text => text.Contains("show stat", StringComparison.Ordinal) && reads++ == 0, standardOutput: EdgeStatTests.Fixture("stat-starting.csv"))
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"))
            .Answer("state", standardOutput: "\n");

        await new EdgeSwitch(runner, Edge, TimeProvider.System).WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal("show stat app 4 -1 | set server app/green state drain; enable health app/green | show stat app 4 -1", RuntimeCommands(runner));
    }

    [Fact]
    public async Task A_slot_that_stays_down_fails_the_wait_with_haproxys_view_of_it()
    {
        var runner = new RecordingCommandRunner().Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-green-down.csv"));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(0.5), CancellationToken.None));

        Assert.Equal("edge: slot green (shop-production-green:80) is not UP after 0.5s: HAProxy sees it DOWN (L7STS 403)", error.Message);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("set server", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slot_whose_name_does_not_resolve_is_named_with_the_network_it_should_be_on()
    {
        var runner = new RecordingCommandRunner()
            .Answer("show stat", standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,UP,L7OK,200,172.28.0.5:80\napp,green,0,MAINT (resolution),,,\n")
            .Answer("state", standardOutput: "\n");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(0.3), CancellationToken.None));

        Assert.Equal("edge: slot green (shop-production-green:80) is not UP after 0.3s: HAProxy sees it MAINT (resolution) "
            + "(no container answers to shop-production-green on network shop-production-edge)", error.Message);
    }

    [Fact]
    public async Task The_live_slot_of_a_freshly_started_edge_is_waited_on_until_its_name_resolves_and_never_drained()
    {
        // Seen on the bed: the edge had just started with blue live, blue's name did not resolve yet (MAINT (resolution),
        // which a disabled server shows too), the wait took it for maintenance and drained it: every request got a 503.
        var reads = 0;
        var runner = new RecordingCommandRunner()
            .Answer(text => text.Contains("show stat", StringComparison.Ordinal) && Interlocked.Increment(ref reads) <= 3,
                standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,MAINT (resolution),,,\napp,green,0,MAINT (resolution),,,\n")
            .Answer("show stat", standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,UP,L7OK,200,172.28.0.5:80\napp,green,0,MAINT,,,172.28.0.6:80\n");

        await new EdgeSwitch(runner, Edge, TimeProvider.System).WaitUntilUpAsync(Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(4, reads);
        Assert.All(runner.Commands, c => Assert.Equal(Edge.ShowServers(), c));
    }

    [Fact]
    public async Task A_disabled_slot_is_moved_to_drain_for_its_checks_once_its_name_resolved()
    {
        var reads = 0;
        var runner = new RecordingCommandRunner()
            .Answer(text => text.Contains("show stat", StringComparison.Ordinal) && Interlocked.Increment(ref reads) <= 2,
                standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,no check,,,172.28.0.5:80\napp,green,0,MAINT (resolution),,,\n")
            .Answer(text => text.Contains("show stat", StringComparison.Ordinal) && Interlocked.Increment(ref reads) <= 4,
                standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,no check,,,172.28.0.5:80\napp,green,0,MAINT,,,172.28.0.6:80\n")
            .Answer("show stat", standardOutput: "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,no check,,,172.28.0.5:80\napp,green,0,DRAIN,L7OK,200,172.28.0.6:80\n")
            .Answer("state", standardOutput: "\n");

        await new EdgeSwitch(runner, Edge, TimeProvider.System).WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal([Edge.Runtime("set server app/green state drain; enable health app/green")],
            runner.Commands.Where(c => !c.Equals(Edge.ShowServers())));
    }

    [Fact]
    public async Task A_runtime_command_haproxy_refuses_is_an_error_with_its_answer()
    {
        var runner = new RecordingCommandRunner()
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"))
            .Answer("state", standardOutput: "No such server.\n\n");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, null, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: HAProxy refused 'set server app/green state ready; disable health app/green': No such server.", error.Message);
    }

    [Fact]
    public async Task A_running_edge_is_left_untouched()
    {
        var runner = new RecordingCommandRunner()
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-starting.csv"))
            .Answer("docker ps -q", standardOutput: "3f2a9c1b7d4e\n");

        await new EdgeSwitch(runner, Edge, TimeProvider.System).EnsureUpAsync(Slot.Blue, CancellationToken.None);

        Assert.Equal([Edge.ContainerId(), Edge.ShowServers()], runner.Commands);
    }

    [Fact]
    public async Task A_missing_edge_gets_its_files_then_starts_and_answers()
    {
        var runner = new RecordingCommandRunner()
            .Answer(text => text.StartsWith("docker ps -q", StringComparison.Ordinal), standardOutput: "")
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-starting.csv"));

        await new EdgeSwitch(runner, Edge, TimeProvider.System).EnsureUpAsync(Slot.Blue, CancellationToken.None);

        // The slot it serves keeps its checks (HAProxy 2.6 would never check again a server stopped before it resolved).
        Assert.Equal([Edge.ContainerId(), Edge.WriteFiles(Slot.Blue), Edge.Up(), Edge.ShowServers()], runner.Commands);
    }
}
