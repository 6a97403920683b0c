using System.Diagnostics;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>Times named steps of an operation other than a deploy (restart, status) the way the deploy worker does.</summary>
public sealed class StepClock(IDeployObserver observer, TimeProvider time)
{
    private readonly List<StepRecord> _steps = [];

    public IReadOnlyList<StepRecord> Steps => _steps;

    public async Task<T> StepAsync<T>(string name, Func<Task<T>> action, Func<T, string>? describe = null)
    {
        observer.StepStarted(name);
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await action();
            Finish(new StepRecord(name, startedAt, stopwatch.Elapsed, StepOutcome.Succeeded, describe?.Invoke(result) ?? ""));
            return result;
        }
        catch (DevOpsAgentException error)
        {
            Finish(new StepRecord(name, startedAt, stopwatch.Elapsed, StepOutcome.Failed, error.Message));
            throw;
        }
    }

    private void Finish(StepRecord step)
    {
        _steps.Add(step);
        observer.StepFinished(step);
    }
}
