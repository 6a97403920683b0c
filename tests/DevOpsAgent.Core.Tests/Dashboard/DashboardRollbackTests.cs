using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Dashboard;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>
/// A rollback from the page goes through Layer 2 like an EXECUTE: the real dashboard server (Kestrel on loopback)
/// with a recording runner, so that "nothing was touched" is checked on the commands the server was sent.
/// </summary>
public sealed partial class DashboardRollbackTests : IAsyncDisposable
{
    private readonly RecordingCommandRunner _runner = ProtocolFakes.HealthyServer();
    private readonly MemoryHistory _history = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
    private Task? _server;
    private int _before;

    [Fact]
    public async Task With_an_orchestrator_state_a_rollback_without_a_task_is_refused_before_anything_runs()
    {
        await StartAsync(requiresTask: true);
        var form = await _http.GetStringAsync("/rollback/staging");
        Assert.Contains("Task id — required", form);

        var response = await PostAsync(form, confirm: "staging", task: "");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("a task id is required", await response.Content.ReadAsStringAsync());
        Assert.Equal(_before, _runner.Commands.Count);
        Assert.Empty(_history.Saved);
    }

    [Fact]
    public async Task A_task_assigned_to_another_agent_is_refused_recorded_and_touches_nothing()
    {
        await StartAsync(requiresTask: true);
        var response = await PostAsync(await _http.GetStringAsync("/rollback/staging"), confirm: "staging", task: "TASK-047");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var events = await _http.GetStringAsync(response.Headers.Location!.OriginalString + "/events");
        Assert.Contains("event: done\ndata: refused: TASK-047 is assigned to Frontend Agent, not to DevOps Agent; nothing was done.", events);
        var refusal = Assert.Single(_history.Saved);
        Assert.Equal((DeployOutcome.Refused, "TASK-047", "rollback", "dashboard (me@box)"), (refusal.Outcome, refusal.TaskId, refusal.Action, refusal.StartedBy));
        Assert.Equal(_before, _runner.Commands.Count);
    }

    [Fact]
    public async Task A_wrong_confirmation_or_a_stale_form_rolls_nothing_back()
    {
        await StartAsync(requiresTask: false);
        var form = await _http.GetStringAsync("/rollback/staging");
        var wrong = await PostAsync(form, confirm: "production", task: "TASK-045", to: "v1.0.0");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        // The refused form comes back with what was sent, but for the confirmation.
        var refilled = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("not confirmed: type the environment&#39;s name (staging)", refilled);
        Assert.Contains("id=\"to\" value=\"v1.0.0\"", refilled);
        Assert.Contains("id=\"task\" placeholder=\"TASK-001\" value=\"TASK-045\"", refilled);
        Assert.DoesNotContain("value=\"production\"", refilled);
        var stale = await PostAsync(form.Replace("name=\"csrf\" value=\"", "name=\"csrf\" value=\"0", StringComparison.Ordinal), confirm: "staging", task: "TASK-045", to: "v1.0.0");
        Assert.Equal(HttpStatusCode.Forbidden, stale.StatusCode);
        // A post that did not come from this dashboard's form prefills nothing a user might then confirm.
        Assert.DoesNotContain("v1.0.0", await stale.Content.ReadAsStringAsync());
        Assert.Equal(_before, _runner.Commands.Count);
        Assert.Empty(_history.Saved);
    }

    private async Task StartAsync(bool requiresTask)
    {
        var port = FreePort();
        var context = new DashboardContext
        {
            Config = ProtocolFakes.Config,
            History = _history,
            ConnectAsync = (_, _) => Task.FromResult<ICommandRunner>(_runner),
            Actor = "dashboard (me@box)",
            Protocol = observer => ProtocolFakes.Context(_runner, _history) with { Observer = observer },
            RequiresTask = requiresTask,
            StatusCacheFor = TimeSpan.FromHours(1),
        };
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new DashboardServer(context, DashboardBinding.Parse($"127.0.0.1:{port}")).RunAsync(url => started.SetResult(url), _stop.Token);
        _http.BaseAddress = new Uri(await started.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        // The overview reads every environment's status once at start: those reads are not the rollback's.
        for (var i = 0; i < 100 && (await _http.GetStringAsync("/")).Contains("reading…", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        _before = _runner.Commands.Count;
    }

    private Task<HttpResponseMessage> PostAsync(string form, string confirm, string task, string to = "") =>
        _http.PostAsync("/rollback/staging", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = Csrf().Match(form).Groups[1].Value, ["confirm"] = confirm, ["task"] = task, ["to"] = to,
        }));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"csrf\" value=\"([0-9A-F]+)\"")]
    private static partial Regex Csrf();

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
