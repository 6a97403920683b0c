using System.Diagnostics;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Edge;

namespace DevOpsAgent.Core.Tests.Edge;

/// <summary>
/// The scripts that run inside the edge, run by bash here with HAProxy's answers from recorded <c>show stat</c> CSV: only
/// their runtime-API client is replaced, by one that logs each command line and answers from the fixture.
/// </summary>
public sealed partial class EdgeSwitchScriptTests
{
    private const string Ready = "set server app/green state ready; disable health app/green; set server app/blue state drain";

    private static async Task<(string Output, string[] Asked)> RunAsync(string script, string stat, string setAnswer, params string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("edge-script-").FullName;
        try
        {
            var statFile = Path.Combine(folder, "stat.csv");
            var log = Path.Combine(folder, "asked");
            await File.WriteAllTextAsync(statFile, stat);
            var fake = $$"""
                ask() {
                  printf '%s\n' "$1" >> '{{log}}'
                  case $1 in 'show stat'*) answer=$(cat '{{statFile}}'; echo x); answer=${answer%x} ;; *) answer='{{setAnswer}}' ;; esac
                }

                """;
            var body = script.IndexOf("stat || exit 1", StringComparison.Ordinal);
            var start = new ProcessStartInfo("/bin/bash", ["-c", script[..body] + fake + script[body..], "_", .. arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
            return (await stdout, File.Exists(log) ? await File.ReadAllLinesAsync(log) : []);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_switch_to_a_slot_checked_up_readies_it_drains_the_old_one_then_puts_it_in_maintenance()
    {
        var (output, asked) = await RunAsync(EdgeSwitchScript.Text, EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"), "\n",
            "green", "blue", "5000000", Ready, "set server app/blue state maint");

        Assert.Matches(DrainedThenDone(), output);
        Assert.Equal(["show stat app 4 -1", Ready, "show stat app 4 -1", "set server app/blue state maint"], asked);
        Assert.InRange(EdgeSwitchScript.Parse(output).DrainedIn!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Theory]
    // While a check runs, HAProxy shows the last result behind "* ": the slot was checked up all the same.
    [InlineData("DRAIN", "* L7OK", "switch: live\nswitch: drained")]
    [InlineData("DRAIN", "* L7STS", "switch: refused")]
    [InlineData("DRAIN 1/2", "L7OK", "switch: refused")]
    [InlineData("no check", "", "switch: live\nswitch: drained")]
    public async Task A_switch_goes_to_a_slot_checked_up_or_serving_and_to_no_other(string status, string check, string expected)
    {
        var stat = $"# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,0,UP,L7OK,200,172.28.0.5:80\napp,green,0,{status},{check},0,172.28.0.6:80\n";

        var (output, _) = await RunAsync(EdgeSwitchScript.Text, stat, "\n", "green", "blue", "5000000", Ready, "set server app/blue state maint");

        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_switch_to_a_slot_haproxy_sees_down_changes_nothing_and_prints_the_servers_it_read()
    {
        var stat = EdgeStatTests.Fixture("stat-green-down.csv");

        var (output, asked) = await RunAsync(EdgeSwitchScript.Text, stat, "\n", "green", "blue", "5000000", Ready, "set server app/blue state maint");

        Assert.Equal(["show stat app 4 -1"], asked);
        var refused = EdgeSwitchScript.Parse(output).RefusedWith!;
        Assert.Equal("DOWN (L7STS 403)", EdgeStat.Parse(refused).Single(s => s.Slot == Slot.Green).Describe());
    }

    [Fact]
    public async Task Requests_still_in_flight_at_the_drain_timeout_are_counted_and_the_slot_goes_to_maintenance_anyway()
    {
        const string stat = "# pxname,svname,scur,status,check_status,check_code,addr\napp,blue,2,DRAIN,L7OK,200,172.28.0.5:80\napp,green,0,DRAIN,L7OK,200,172.28.0.6:80\n";

        var (output, asked) = await RunAsync(EdgeSwitchScript.Text, stat, "\n", "green", "blue", "300000", Ready, "set server app/blue state maint");

        Assert.Equal("switch: live\nswitch: in flight 2\nswitch: done\n", output);
        Assert.Equal("set server app/blue state maint", asked[^1]);
        Assert.True(asked.Count(a => a.StartsWith("show stat", StringComparison.Ordinal)) >= 2, string.Join(" | ", asked));
    }

    [Fact]
    public async Task A_line_haproxy_refuses_stops_the_switch_with_its_answer()
    {
        var (output, asked) = await RunAsync(EdgeSwitchScript.Text, EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"), "No such server.\n",
            "green", "blue", "5000000", Ready, "set server app/blue state maint");

        Assert.Equal("switch: haproxy refused\nNo such server.\n", output);
        Assert.Equal(["show stat app 4 -1", Ready], asked);
    }

    [Fact]
    public async Task A_first_switch_has_nothing_to_drain()
    {
        var (output, asked) = await RunAsync(EdgeSwitchScript.Text, EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"), "\n",
            "green", "", "5000000", "set server app/green state ready; disable health app/green", "");

        Assert.Equal("switch: live\nswitch: done\n", output);
        Assert.Equal(2, asked.Length);
    }

    [Theory]
    [InlineData("green", "app,blue,0,UP 1/2,INI,,172.28.0.5:80\napp,green,0,MAINT,,,172.28.0.6:80\n", "switch: checks started\nswitch: done\n", 2)]
    // The live slot of a freshly started edge shows MAINT (resolution) until its name resolves: never moved to drain.
    [InlineData("green", "app,blue,0,MAINT (resolution),,,\napp,green,0,MAINT (resolution),,,\n", "switch: done\n", 1)]
    [InlineData("blue", "app,blue,0,UP 1/2,INI,,172.28.0.5:80\napp,green,0,MAINT,,,172.28.0.6:80\n", "switch: done\n", 1)]
    public async Task Preparing_a_slot_starts_its_checks_only_when_it_is_in_maintenance_and_resolved(string slot, string servers, string expected, int calls)
    {
        var (output, asked) = await RunAsync(EdgeSwitchScript.PrepareText, "# pxname,svname,scur,status,check_status,check_code,addr\n" + servers, "\n",
            slot, $"set server app/{slot} state drain; enable health app/{slot}");

        Assert.Equal(expected, output);
        Assert.Equal(calls, asked.Length);
    }

    [Fact]
    public async Task A_server_the_backend_lacks_is_named()
    {
        var (output, _) = await RunAsync(EdgeSwitchScript.PrepareText, EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"), "\n", "purple", "x");

        Assert.Equal("switch: no server purple\n", output);
    }

    [GeneratedRegex(@"^switch: live\nswitch: drained [0-9]+\nswitch: done\n$")]
    private static partial Regex DrainedThenDone();
}
