using System.Net.Sockets;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Shell;
using Xunit.Abstractions;

namespace DevOpsAgent.IntegrationTests.ZeroDowntime;

/// <summary>
/// The edge on the real bed: HAProxy (the bed's haproxy:2.6) started by its compose file over SSH, two stand-in
/// slots behind it, and traffic moved between them through the runtime API while a steady load runs.
/// </summary>
public sealed class EdgeSwitchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(5));
    private EdgeBed _bed = null!;

    private CancellationToken Token => _timeout.Token;

    public async Task InitializeAsync()
    {
        _bed = await EdgeBed.StartAsync(Token);
        await _bed.Switch.EnsureUpAsync(Slot.Blue, Token);
        await _bed.StartSlotAsync(Slot.Blue, "blue", healthy: true, Token);
        await _bed.StartSlotAsync(Slot.Green, "green", healthy: true, Token);
        await _bed.Switch.WaitUntilUpAsync(Slot.Blue, UpTimeout, Token);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Ten_switches_under_steady_load_fail_no_request_and_drop_no_keep_alive_connection()
    {
        const int workers = 8;
        await using var load = new SteadyLoad(new SteadyLoadOptions
        {
            GetUrl = EdgeBed.Url("/"),
            PostUrl = EdgeBed.Url("/items"),
            PostJson = """{"name":"edge"}""",
            PostShare = 0.5,
            RequestsPerSecond = 100,
            Workers = workers,
        }).Start();

        var live = Slot.Blue;
        for (var switches = 0; switches < 10; switches++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(700), Token);
            var next = live.Other();
            await _bed.Switch.WaitUntilUpAsync(next, UpTimeout, Token);
            output.WriteLine(await _bed.Switch.SwitchAsync(next, live, DrainTimeout, Token));
            live = next;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(700), Token);
        var summary = await load.StopAsync();
        output.WriteLine(summary.ToString());

        Assert.Empty(summary.FirstErrors);
        Assert.Equal(0, summary.Failed);
        Assert.True(summary.Requests > 500, summary.ToString());
        Assert.True(summary.PostsSucceeded > 0, summary.ToString());
        Assert.Equal(["blue", "green"], summary.Bodies.Keys.Order());
        Assert.True(summary.KeepAliveConnections <= workers / 2, $"keep-alive connections were dropped: {summary}");
        Assert.Equal(live, Assert.Single(await _bed.Switch.ServersAsync(Token), s => s.IsServing).Slot);
    }

    [Fact]
    public async Task A_keep_alive_connection_opened_on_blue_is_served_by_green_after_the_switch()
    {
        var connections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        var before = await client.GetStringAsync(EdgeBed.Url(), Token);
        await _bed.Switch.WaitUntilUpAsync(Slot.Green, UpTimeout, Token);
        output.WriteLine(await _bed.Switch.SwitchAsync(Slot.Green, Slot.Blue, DrainTimeout, Token));
        var after = await client.GetStringAsync(EdgeBed.Url(), Token);

        Assert.Equal(("blue\n", "green\n"), (before, after));
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task A_request_in_flight_on_the_old_slot_finishes_during_the_drain()
    {
        await _bed.Switch.WaitUntilUpAsync(Slot.Green, UpTimeout, Token);
        using var client = new HttpClient();
        var slow = client.GetByteArrayAsync(EdgeBed.Url("/slow"), Token);
        await WaitForSessionAsync(Slot.Blue, slow);

        var summary = await _bed.Switch.SwitchAsync(Slot.Green, Slot.Blue, DrainTimeout, Token);
        output.WriteLine(summary);

        Assert.Equal(EdgeBed.SlowBodyBytes, (await slow).Length);
        Assert.Matches("^green live; blue drained in [0-9.]+s$", summary);
        Assert.Equal("MAINT", (await _bed.Switch.ServersAsync(Token)).Single(s => s.Slot == Slot.Blue).Status);
    }

    [Fact]
    public async Task A_slot_that_is_not_up_is_never_switched_to_and_traffic_stays_where_it_was()
    {
        await _bed.StartSlotAsync(Slot.Green, "green", healthy: false, Token);
        await using var load = new SteadyLoad(new SteadyLoadOptions { GetUrl = EdgeBed.Url(), RequestsPerSecond = 50, Workers = 4 }).Start();

        var waited = await Assert.ThrowsAsync<DevOpsAgentException>(() => _bed.Switch.WaitUntilUpAsync(Slot.Green, TimeSpan.FromSeconds(4), Token));
        var switched = await Assert.ThrowsAsync<DevOpsAgentException>(() => _bed.Switch.SwitchAsync(Slot.Green, Slot.Blue, DrainTimeout, Token));
        var summary = await load.StopAsync();
        output.WriteLine(waited.Message);
        output.WriteLine(switched.Message);
        output.WriteLine(summary.ToString());

        Assert.Equal("edge: slot green (edge-it-green:80) is not UP after 4s: HAProxy sees it DOWN (L7STS 500)", waited.Message);
        Assert.Equal("edge: not switching to slot green: HAProxy sees it DOWN (L7STS 500), not UP", switched.Message);
        Assert.Equal(ErrorKind.HealthCheckFailed, waited.Kind);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(["blue"], summary.Bodies.Keys);
    }

    [Fact]
    public async Task A_restarted_edge_comes_back_serving_the_slot_it_served_last()
    {
        await _bed.Switch.WaitUntilUpAsync(Slot.Green, UpTimeout, Token);
        await _bed.Switch.SwitchAsync(Slot.Green, Slot.Blue, DrainTimeout, Token);
        var id = (await _bed.RunAsync(_bed.Edge.ContainerId(), Token)).StandardOutput.Trim();

        await _bed.RunAsync(ShellCommand.Of("docker", "restart", id), Token);
        await _bed.Switch.EnsureUpAsync(Slot.Blue, Token);
        await _bed.Switch.WaitUntilUpAsync(Slot.Green, UpTimeout, Token);

        using var client = new HttpClient();
        Assert.Equal("green\n", await client.GetStringAsync(EdgeBed.Url(), Token));
        Assert.Equal(id, (await _bed.RunAsync(_bed.Edge.ContainerId(), Token)).StandardOutput.Trim());
        Assert.Equal("MAINT", (await _bed.Switch.ServersAsync(Token)).Single(s => s.Slot == Slot.Blue).Status);
    }

    private async Task WaitForSessionAsync(Slot slot, Task request)
    {
        while ((await _bed.Switch.ServersAsync(Token)).Single(s => s.Slot == slot).CurrentSessions == 0)
        {
            // A request that ended (an error, or served before a read of the edge saw it) would leave this waiting for ever.
            Assert.False(request.IsCompleted, $"the slow request ended before HAProxy counted it on {slot.Name()}: {request.Exception?.GetBaseException().Message ?? "it completed"}");
            await Task.Delay(50, Token);
        }
    }
}
