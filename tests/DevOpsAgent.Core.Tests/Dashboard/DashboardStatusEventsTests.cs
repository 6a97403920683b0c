using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Dashboard;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>
/// The overview's health cells follow the status cache live: the real dashboard server (Kestrel on loopback) over a
/// recorded server that goes down while the page's status stream is open.
/// </summary>
public sealed class DashboardStatusEventsTests : IAsyncDisposable
{
    private readonly RecordingCommandRunner _runner = ProtocolFakes.HealthyServer();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private volatile bool _down;
    private Task? _server;

    [Fact]
    public async Task When_the_server_stops_answering_the_status_stream_pushes_its_unreachable_health_cell()
    {
        await StartAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync("/events/status", HttpCompletionOption.ResponseHeadersRead, wait.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(wait.Token));

        var healthy = await NextAsync(events, "staging", cells => cells.Health.Contains("class=\"ok\"", StringComparison.Ordinal), wait.Token);
        Assert.Equal("free", healthy.Lock);
        Assert.DoesNotContain("unreachable", healthy.Health, StringComparison.Ordinal);

        _down = true;
        var down = await NextAsync(events, "staging", cells => cells.Health.Contains("unreachable", StringComparison.Ordinal), wait.Token);

        Assert.Equal("<span class=\"bad\">unreachable: ssh: connection refused &lt;at&gt; staging.example.com</span>", down.Health);
        Assert.Equal(StatusCells.Of("staging", new StatusView("staging", null, "ssh: connection refused <at> staging.example.com", DateTimeOffset.UnixEpoch)), down);
    }

    [Fact]
    public void The_overview_renders_the_same_cells_the_stream_carries_and_listens_for_them()
    {
        var html = Pages.Overview(ProtocolFakes.Config, [(ProtocolFakes.Config.Environment("staging"), null)], []);
        var cells = StatusCells.Of("staging", null);

        Assert.Contains($"<td class=\"release\">{cells.Release}</td><td class=\"slot\">{cells.Slot}</td><td class=\"health\">{cells.Health}</td><td class=\"lock\">{cells.Lock}</td>", html);
        Assert.Contains("new EventSource('/events/status')", html);
        Assert.Contains("r.querySelector('td.slot').innerHTML=d.slot;", html);
        Assert.Equal("{\"environment\":\"staging\",\"release\":\"-\",\"slot\":\"-\",\"health\":\"\\u003Cspan class=\\u0022warn\\u0022\\u003Ereading\\u2026\\u003C/span\\u003E\",\"lock\":\"-\"}", cells.Json());
    }

    /// <summary>Status events until one for <paramref name="environment"/> that <paramref name="matches"/>.</summary>
    private static async Task<StatusCells> NextAsync(StreamReader events, string environment, Func<StatusCells, bool> matches, CancellationToken cancellationToken)
    {
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)
                && JsonSerializer.Deserialize<StatusCells>(line["data: ".Length..], JsonSerializerOptions.Web) is { } cells
                && cells.Environment == environment && matches(cells))
            {
                return cells;
            }
        }

        throw new InvalidOperationException("the status stream ended");
    }

    private async Task StartAsync()
    {
        var port = FreePort();
        var context = new DashboardContext
        {
            Config = ProtocolFakes.Config,
            History = new MemoryHistory(),
            ConnectAsync = (_, _) => _down
                ? throw new ConnectionFailedException("ssh: connection refused <at> staging.example.com")
                : Task.FromResult<ICommandRunner>(_runner),
            Actor = "dashboard (me@box)",
            // Read again as soon as a page asks, so the change reaches the stream without waiting out a cache period.
            StatusCacheFor = TimeSpan.FromMilliseconds(50),
        };
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new DashboardServer(context, DashboardBinding.Parse($"127.0.0.1:{port}")).RunAsync(url => started.SetResult(url), _stop.Token);
        _http.BaseAddress = new Uri(await started.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_server is not null)
        {
            await _server;
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
