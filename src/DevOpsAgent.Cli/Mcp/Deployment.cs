using System.Globalization;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Protocol;
using ModelContextProtocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>What deployment_status answers: where a deployment is, and once finished its outcome and report.</summary>
public sealed record DeploymentView
{
    public string? DeploymentId { get; init; }

    public required string Tool { get; init; }

    public required string Action { get; init; }

    public required string Environment { get; init; }

    public string? Task { get; init; }

    public required string State { get; init; }

    public string? Step { get; init; }

    public int StepsDone { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Outcome { get; init; }

    public string? Error { get; init; }

    public DeployPlan? Plan { get; init; }

    public ExecutionReport? Report { get; init; }

    public bool Succeeded => Outcome is "succeeded" or "planned";
}

/// <summary>A dry run's plan: the commands a deploy would run on the target.</summary>
public sealed record DeployPlan(string Target, IReadOnlyList<string> Commands);

/// <summary>
/// One operation run by this server (deploy, rollback, any EXECUTE), in the background of the request that started
/// it: its latest step and, once done, its report. It observes the operation's steps and forwards each start and
/// finish to whoever waits with a progress token. Its cancellation is its own: a waiting request's cancel is linked
/// to it, a caller that did not wait cancels it only through cancel_deployment.
/// </summary>
public sealed class Deployment : IDeployObserver
{
    private readonly CancellationTokenSource _cancel;
    private readonly Lock _gate = new();
    private readonly List<IProgress<ProgressNotificationValue>> _listeners = [];
    private int _events;
    private string? _step;
    private int _stepsDone;
    private DateTimeOffset? _finishedAt;
    private ExecutionReport? _report;
    private string? _error;

    public Deployment(string id, string tool, Instruction instruction, string task, CancellationTokenSource cancel)
    {
        Id = id;
        Tool = tool;
        Instruction = instruction;
        TaskId = task;
        _cancel = cancel;
    }

    public string Id { get; }

    public string Tool { get; }

    public Instruction Instruction { get; }

    public string TaskId { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Completes when the operation has ended (its report or error kept), never faults.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool Finished => Completion.IsCompleted;

    /// <summary>Starts the operation; <paramref name="progress"/> (a waiting request's) hears every step from the first.</summary>
    internal void Run(Func<IDeployObserver, CancellationToken, Task<ExecutionReport>> operation, string? historyPath, IProgress<ProgressNotificationValue>? progress)
    {
        if (progress is not null)
        {
            _listeners.Add(progress);
            Notify($"deployment {Id} started: deployment_status answers for it until it is finished");
        }

        Completion = Task.Run(async () =>
        {
            try
            {
                var report = McpAdvice.Rewrite(await operation(this, _cancel.Token));
                lock (_gate)
                {
                    _report = report;
                }
            }
            catch (Exception error)
            {
                lock (_gate)
                {
                    _error = AgentTool.Failure(error, historyPath).Text;
                }
            }
            finally
            {
                lock (_gate)
                {
                    _finishedAt = DateTimeOffset.UtcNow;
                    _listeners.Clear();
                }
            }
        });
    }

    public void Cancel() => _cancel.Cancel();

    public DeploymentView View()
    {
        lock (_gate)
        {
            var finished = _finishedAt is not null;
            return new DeploymentView
            {
                DeploymentId = Id,
                Tool = Tool,
                Action = Instruction.Action,
                Environment = Instruction.Environment,
                Task = TaskId,
                State = finished ? "finished" : "running",
                Step = _step,
                StepsDone = _stepsDone,
                StartedAt = StartedAt,
                FinishedAt = _finishedAt,
                Outcome = _report is { } r ? Outcome(r.Outcome) : finished ? "failed" : null,
                Error = _error,
                Report = _report,
            };
        }
    }

    public static string Outcome(ReportOutcome outcome) => outcome switch
    {
        ReportOutcome.Succeeded => "succeeded",
        ReportOutcome.RolledBack => "rolled_back",
        ReportOutcome.Refused => "refused",
        _ => "failed",
    };

    public void StepStarted(string step)
    {
        lock (_gate)
        {
            _step = step;
        }

        Notify($"{step}…");
    }

    public void StepFinished(StepRecord step)
    {
        lock (_gate)
        {
            _stepsDone++;
        }

        var seconds = step.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        Notify($"{step.Name}: {step.Outcome.ToString().ToLowerInvariant()} in {seconds}s" + (step.Detail.Length > 0 ? $" ({Core.Errors.InputText.Quote(step.Detail)})" : ""));
    }

    public void CheckReported(CheckResult check)
    {
    }

    public void Output(string line)
    {
    }

    private void Notify(string message)
    {
        IProgress<ProgressNotificationValue>[] listeners;
        int progress;
        lock (_gate)
        {
            listeners = [.. _listeners];
            progress = ++_events;
        }

        foreach (var listener in listeners)
        {
            listener.Report(new ProgressNotificationValue { Progress = progress, Message = Core.Secrets.Redaction.Redact(message) });
        }
    }
}
