using System.Net;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Dashboard;
using static DevOpsAgent.Core.Tests.Releases.ReleaseDiffReaderTests;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>The /diff route on the real dashboard server (Kestrel on loopback) over a recorded server.</summary>
public sealed class DashboardDiffTests : IAsyncDisposable
{
    private readonly RecordingCommandRunner _runner = Server();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private Task? _server;

    [Fact]
    public async Task The_default_diff_is_served_without_a_value_of_the_template()
    {
        await StartAsync();
        var page = await _http.GetStringAsync("/diff/staging");
        Assert.Contains("<td>Shop 1.1.0: items get a description</td>", page);
        Assert.Contains("<tr><td><code>SECRET_KEY</code></td><td class=\"ok\">added</td></tr>", page);
        Assert.DoesNotContain(Canary, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ref_with_shell_syntax_is_refused_with_400_before_anything_runs()
    {
        await StartAsync();
        var response = await _http.GetAsync("/diff/staging?from=v1.0.0%3Brm%20-rf%20%2F");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<div class=\"error\">Invalid git ref &#39;v1.0.0;rm -rf /&#39;: &#39;;&#39; is not allowed in a ref.</div>", await response.Content.ReadAsStringAsync());
        // The overview's status reads run beside it; none of the diff's reads did.
        Assert.DoesNotContain(_runner.Commands, c => c.Text.Contains("releases.jsonl", StringComparison.Ordinal) || c.Text.StartsWith("git ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ref_the_server_does_not_know_is_a_400_that_says_so()
    {
        await StartAsync();
        var response = await _http.GetAsync("/diff/staging?to=v9.9.9");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("&#39;v9.9.9&#39; is neither a release recorded on staging", await response.Content.ReadAsStringAsync());
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

    private async Task StartAsync()
    {
        var context = new DashboardContext
        {
            Config = ProtocolFakes.Config with { Migrations = new MigrationsConfig() },
            History = new MemoryHistory(),
            ConnectAsync = (_, _) => Task.FromResult<ICommandRunner>(_runner),
            Actor = "dashboard (me@box)",
            StatusCacheFor = TimeSpan.FromHours(1),
        };
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new DashboardServer(context, DashboardBinding.Parse($"127.0.0.1:{FreePort()}")).RunAsync(url => started.SetResult(url), _stop.Token);
        _http.BaseAddress = new Uri(await started.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
