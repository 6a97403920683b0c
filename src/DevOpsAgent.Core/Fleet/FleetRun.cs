using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Fleet;

/// <summary>Mutable state of one fleet deploy: a slot per host (each written only by that host's task).</summary>
internal sealed class FleetRun(IReadOnlyList<HostConfig> hosts, IDeployObserver observer) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly object _turn = new();
    private bool _firstWasStopped;
    private readonly Task<ICommandRunner>?[] _runners = new Task<ICommandRunner>?[hosts.Count];

    public IReadOnlyList<HostConfig> Hosts => hosts;

    public HostDeployLine?[] Lines { get; } = new HostDeployLine?[hosts.Count];

    public DeployRecord?[] Records { get; } = new DeployRecord?[hosts.Count];

    public List<StepRecord> FleetSteps { get; } = [];

    /// <summary>With a registry: where the first host hands the release's pushed images to the others; null: each host builds.</summary>
    public ImageExchange? Images { get; init; }

    /// <summary>The host whose failure ended the deploy (-1: the fleet itself, or none yet when <see cref="Failed"/> is false).</summary>
    public int FirstFailure { get; private set; } = -1;

    public bool Failed { get; private set; }

    public int ExitCode { get; set; } = ExitCodes.Success;

    public string? Error { get; set; }

    public IDeployObserver ObserverFor(int index) => new HostObserver(observer, hosts[index].Name, _turn);

    /// <summary>One runner per host, connected once, disposed with the run.</summary>
    public Task<ICommandRunner> RunnerAsync(int index, Func<HostConfig, CancellationToken, Task<ICommandRunner>> connect, CancellationToken ct)
    {
        lock (_gate)
        {
            return _runners[index] ??= connect(hosts[index], ct);
        }
    }

    /// <summary>
    /// The host's runner (<see cref="RunnerAsync"/>); whatever the SSH library throws while connecting becomes a
    /// connection failure, so one unreachable host ends in the fleet's own handling instead of escaping it.
    /// </summary>
    public async Task<ICommandRunner> ConnectAsync(int index, Func<HostConfig, CancellationToken, Task<ICommandRunner>> connect, CancellationToken ct)
    {
        try
        {
            return await RunnerAsync(index, connect, ct);
        }
#pragma warning disable CA1031 // see the summary: the SSH library's exception types are not Core's to name
        catch (Exception error) when (error is not (DevOpsAgentException or OperationCanceledException))
#pragma warning restore CA1031
        {
            throw new ConnectionFailedException($"cannot connect to {hosts[index].Name}: {Secrets.Redaction.Redact(error.Message)}", error);
        }
    }

    /// <summary>A step of the fleet itself (its lock, choosing the release), recorded in <see cref="FleetSteps"/>.</summary>
    public async Task<T> StepAsync<T>(ICommandRunner runner, string name, Func<Task<T>> action, TimeProvider time, CancellationToken ct)
    {
        var steps = new DeploySteps(runner, observer, time);
        try
        {
            return await steps.RunAsync(name, action, ct);
        }
        finally
        {
            FleetSteps.AddRange(steps.Records);
        }
    }

    /// <summary>
    /// Records a failure; the first one that was not caused by the fleet stopping the others names the exit code.
    /// </summary>
    public void Fail(int index, int exitCode, string error, bool stopped = false)
    {
        lock (_gate)
        {
            if (Failed && (stopped || !_firstWasStopped))
            {
                return;
            }

            Failed = true;
            _firstWasStopped = stopped;
            FirstFailure = index;
            ExitCode = exitCode;
            Error = index < 0 ? error : $"{hosts[index].Name}: {error}";
        }
    }

    /// <summary>Every host's line, a host that never started getting one (outcome Running: "not started").</summary>
    public IReadOnlyList<HostDeployLine> SettleLines()
    {
        for (var i = 0; i < hosts.Count; i++)
        {
            Lines[i] ??= new HostDeployLine(hosts[i], DeployOutcome.Running, TimeSpan.Zero, null, null);
        }

        return [.. Lines.OfType<HostDeployLine>()];
    }

    /// <summary>
    /// The fleet's record steps: its own, every host's prefixed with the host, then a step per host with its line
    /// (after <see cref="SettleLines"/>).
    /// </summary>
    public IEnumerable<StepRecord> AllSteps(DateTimeOffset startedAt) => FleetSteps
        .Concat(Enumerable.Range(0, hosts.Count).SelectMany(i => (Records[i]?.Steps ?? []).Select(s => s with { Name = $"{hosts[i].Name}: {s.Name}" })))
        .Concat(Lines.OfType<HostDeployLine>().Select(l => new StepRecord($"host {l.Host.Name}", startedAt, l.Duration, l.Outcome switch
        {
            DeployOutcome.Succeeded or DeployOutcome.Planned => StepOutcome.Succeeded,
            DeployOutcome.Running => StepOutcome.Skipped,
            _ => StepOutcome.Failed,
        }, l.ToString())));

    /// <summary>Every host's health summary, each line prefixed with the host.</summary>
    public string HealthSummary() => string.Join('\n', Enumerable.Range(0, hosts.Count)
        .SelectMany(i => (Records[i]?.HealthSummary ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(h => $"{hosts[i].Name}: {h}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners.OfType<Task<ICommandRunner>>().Where(t => t.IsCompletedSuccessfully))
        {
            await runner.Result.DisposeAsync();
        }
    }
}
