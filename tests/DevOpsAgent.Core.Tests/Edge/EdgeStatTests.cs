using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Edge;

public sealed class EdgeStatTests
{
    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "haproxy", name));

    private static (Slot, string, int) Brief(EdgeServer server) => (server.Slot, server.Status, server.CurrentSessions);

    [Fact]
    public void A_just_started_edge_serves_its_live_slot_before_checking_it()
    {
        var servers = EdgeStat.Parse(Fixture("stat-starting.csv"));
        Assert.Equal([(Slot.Blue, "UP 1/2", 0), (Slot.Green, "MAINT", 0)], servers.Select(Brief));
        Assert.Equal(["INI", ""], servers.Select(s => s.CheckStatus));
        Assert.Equal(["172.28.0.5:80", "172.28.0.4:80"], servers.Select(s => s.Address));
        Assert.True(servers[0].IsServing);
        Assert.False(servers[0].IsCheckedUp);
        Assert.True(servers[1].InMaintenance);
    }

    [Fact]
    public void A_slot_whose_next_check_is_running_counts_by_its_last_result()
    {
        var servers = EdgeStat.Parse("# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,no check,,,172.28.0.5:80\n"
            + "app,green,0,DRAIN,* L7OK,0,172.28.0.6:80\n");
        Assert.True(servers.Single(s => s.Slot == Slot.Green).IsCheckedUp);
    }

    [Fact]
    public void A_drained_slot_that_passed_its_check_is_up_but_not_serving()
    {
        var green = EdgeStat.Parse(Fixture("stat-blue-up-green-drained.csv")).Single(s => s.Slot == Slot.Green);
        Assert.Equal((Slot.Green, "DRAIN", 0), Brief(green));
        Assert.Equal(("L7OK", "200"), (green.CheckStatus, green.CheckCode));
        Assert.True(green.IsCheckedUp);
        Assert.False(green.IsServing);
    }

    [Fact]
    public void After_a_switch_the_new_slot_serves_and_the_old_one_drains() =>
        Assert.Equal(
            [(Slot.Blue, "DRAIN", 0), (Slot.Green, "UP", 0)],
            EdgeStat.Parse(Fixture("stat-blue-drain-green-up.csv")).Select(Brief));

    [Fact]
    public void A_slot_failing_its_check_is_down_with_the_reason()
    {
        var green = EdgeStat.Parse(Fixture("stat-green-down.csv")).Single(s => s.Slot == Slot.Green);
        Assert.False(green.IsCheckedUp);
        Assert.Equal("DOWN (L7STS 403)", green.Describe());
    }

    [Fact]
    public void A_slot_in_maintenance_is_described_without_its_stale_check() =>
        Assert.Equal(["MAINT", "DOWN (L7STS 403)"], EdgeStat.Parse(Fixture("stat-blue-maint-green-down.csv")).Select(s => s.Describe()));

    [Fact]
    public void Columns_are_found_by_name_and_quoted_fields_are_read_whole()
    {
        var servers = EdgeStat.Parse("# svname,pxname,status,scur,check_status,check_code,addr\n"
            + "blue,app,\"MAINT (resolution)\",3,,,\n"
            + "green,other,UP,0,L7OK,200,10.0.0.2:80\n"
            + "FRONTEND,app,OPEN,0,,,\n");
        Assert.Equal([new EdgeServer(Slot.Blue, "MAINT (resolution)", 3)], servers);
    }

    [Fact]
    public void An_answer_that_is_not_statistics_is_an_error_naming_it() =>
        Assert.Equal("edge: HAProxy's statistics have no header line: 'Unknown command, but maybe one of the following ones is a better match:'",
            Assert.Throws<DevOpsAgentException>(() => EdgeStat.Parse("Unknown command, but maybe one of the following ones is a better match:\n  show fd\n")).Message);
}
