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
            text.Contains(" _ '", StringComparison.Ordinal) ? text[(text.IndexOf(" _ '", StringComparison.Ordinal) + 4)..text.LastIndexOf('\'')] : text));

    /// <summary>What the switch script prints inside the edge, and the exit code the host side echoes after it.</summary>
    private static string Printed(params string[] lines) => string.Join("", lines.Select(l => l + "\n")) + "switch: exit 0\n";

    [Fact]
    public async Task A_switch_is_one_call_into_the_edge_that_readies_drains_and_puts_the_old_slot_in_maintenance()
    {
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live, standardOutput: Printed("switch: live", "switch: drained 412345", "switch: done"));

        var summary = await new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal("green live; blue drained in 0.4s", summary);
        Assert.Equal([Edge.Switch(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5))], runner.Commands);
    }

    [Fact]
    public async Task A_drain_that_outlasts_its_timeout_says_how_many_requests_were_still_in_flight()
    {
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live, standardOutput: Printed("switch: live", "switch: in flight 3", "switch: done"));

        var summary = await new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal("green live; blue still had 3 request(s) in flight after 5s, put in maintenance", summary);
    }

    [Fact]
    public async Task A_slot_that_is_not_up_is_never_switched_to()
    {
        var runner = new RecordingCommandRunner()
            .Answer(EdgeSwitchScript.Live, standardOutput: EdgeStatTests.Fixture("stat-green-down.csv") + Printed("switch: refused"));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: not switching to slot green: HAProxy sees it DOWN (L7STS 403), not UP", error.Message);
        Assert.Equal(ErrorKind.HealthCheckFailed, error.Kind);
        Assert.Single(runner.Commands);
    }

    [Fact]
    public async Task A_runtime_api_that_stops_answering_after_the_switch_says_the_slot_went_live()
    {
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live,
            standardOutput: "switch: live\nswitch: exit 1\n", standardError: "bash: connect: Connection refused\nbash: /dev/tcp/127.0.0.1/9999: Connection refused\n");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: the switch to green stopped after green went live (exit code 1): bash: connect: Connection refused | bash: /dev/tcp/127.0.0.1/9999: Connection refused",
            error.Message);
    }

    [Fact]
    public async Task A_config_that_could_not_be_rewritten_fails_the_switch_though_the_slot_is_live()
    {
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live,
            standardOutput: Printed("switch: config not written", "switch: live", "switch: drained 10", "switch: done"),
            standardError: "mv: cannot move '/var/www/shop/.devops-agent/edge/haproxy.cfg.tmp': Read-only file system\n");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: green is live but /var/www/shop/.devops-agent/edge/haproxy.cfg was not rewritten, so a restarted edge would serve the other slot: "
            + "mv: cannot move '/var/www/shop/.devops-agent/edge/haproxy.cfg.tmp': Read-only file system", error.Message);
    }

    [Fact]
    public async Task A_switch_to_a_server_the_backend_lacks_names_it()
    {
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live, standardOutput: Printed("switch: no server green"));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: HAProxy's backend app has no server green", error.Message);
    }

    [Fact]
    public void A_line_the_script_should_not_print_is_an_error_naming_it() =>
        Assert.Equal("edge: the switch printed a line it should not: 'switch: drained soon'",
            Assert.Throws<DevOpsAgentException>(() => EdgeSwitchScript.Parse("switch: live\nswitch: drained soon\n")).Message);

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
        var runner = new RecordingCommandRunner().Answer(EdgeSwitchScript.Live, standardOutput: Printed("switch: haproxy refused", "No such server.", ""));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, null, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: HAProxy refused 'set server app/green state ready; disable health app/green': No such server.", error.Message);
    }

    [Fact]
    public async Task A_maintenance_haproxy_refuses_after_the_switch_is_named_as_that_command()
    {
        var runner = new RecordingCommandRunner()
            .Answer(EdgeSwitchScript.Live, standardOutput: Printed("switch: live", "switch: drained 200", "switch: haproxy refused", "Require 'backend/server'."));

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() =>
            new EdgeSwitch(runner, Edge, TimeProvider.System).SwitchAsync(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal("edge: HAProxy refused 'set server app/blue state maint': Require 'backend/server'.", error.Message);
    }

    [Fact]
    public async Task A_running_edge_is_left_untouched_and_read_once()
    {
        var runner = new RecordingCommandRunner()
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-starting.csv"))
            .Answer("docker ps -q", standardOutput: "3f2a9c1b7d4e\n");

        var servers = await new EdgeSwitch(runner, Edge, TimeProvider.System).EnsureUpAsync(Slot.Blue, CancellationToken.None);

        Assert.Equal([Edge.ShowServers()], runner.Commands);
        Assert.Equal([Slot.Blue, Slot.Green], servers.Select(s => s.Slot));
    }

    [Fact]
    public async Task The_servers_read_by_ensuring_the_edge_is_up_spare_the_wait_a_read()
    {
        var runner = new RecordingCommandRunner().Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"));
        var edge = new EdgeSwitch(runner, Edge, TimeProvider.System);

        await edge.WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(5), CancellationToken.None, await edge.EnsureUpAsync(Slot.Blue, CancellationToken.None));

        Assert.Equal([Edge.ShowServers()], runner.Commands);
    }

    [Fact]
    public async Task A_missing_edge_gets_its_files_then_starts_and_answers()
    {
        var runner = new RecordingCommandRunner();
        bool Started() => runner.Commands.Any(c => c.Equals(Edge.Up()));
        runner
            .Answer(text => text.StartsWith("docker ps -q", StringComparison.Ordinal), standardOutput: "")
            .Answer(text => text.Contains("show stat", StringComparison.Ordinal) && !Started(), exitCode: 1,
                standardError: "no running edge container (compose project shop-production-edge)\n")
            .Answer("show stat", standardOutput: EdgeStatTests.Fixture("stat-starting.csv"));

        await new EdgeSwitch(runner, Edge, TimeProvider.System).EnsureUpAsync(Slot.Blue, CancellationToken.None);

        // The slot it serves keeps its checks (HAProxy 2.6 would never check again a server stopped before it resolved).
        Assert.Equal([Edge.ShowServers(), Edge.ContainerId(), Edge.WriteFiles(Slot.Blue), Edge.Up(), Edge.ShowServers()], runner.Commands);
    }
}
