using System.Collections.Concurrent;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Dashboard;

/// <summary>An operation the page started: its progress lines, kept so a page that connects late sees all of them.</summary>
public sealed class RunningOperation(string id, string environment) : IDeployObserver
{
    private readonly List<string> _lines = [];

    public string Id { get; } = id;

    public string Environment { get; } = environment;

    /// <summary>Null while running; then the one-line outcome.</summary>
    public string? Outcome { get; private set; }

    public bool Succeeded { get; private set; }

    public IReadOnlyList<string> LinesFrom(int index)
    {
        lock (_lines)
        {
            return index >= _lines.Count ? [] : _lines.GetRange(index, _lines.Count - index);
        }
    }

    public void Finish(string outcome, bool succeeded)
    {
        Succeeded = succeeded;
        Add(outcome);
        Outcome = outcome;
    }

    public void StepStarted(string step) => Add($"… {step}");

    public void StepFinished(StepRecord step) => Add($"{step.Outcome.ToString().ToLowerInvariant()} {step.Name} ({step.Duration.TotalSeconds:0.0} s){(step.Detail.Length == 0 ? "" : ": " + step.Detail)}");

    public void CheckReported(CheckResult check) => Add($"{(check.Passed ? "passed" : "FAILED")} {check.Name}: {check.Detail}");

    // Raw command output is not shown: it can carry what the masking does not know.
    public void Output(string line)
    {
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line.ReplaceLineEndings(" "));
        }
    }
}

public sealed class Operations
{
    private readonly ConcurrentDictionary<string, RunningOperation> _all = new();

    public RunningOperation Start(string environment)
    {
        var operation = new RunningOperation(Guid.NewGuid().ToString("N")[..12], environment);
        _all[operation.Id] = operation;
        return operation;
    }

    public RunningOperation? Find(string id) => _all.TryGetValue(id, out var operation) ? operation : null;

    /// <summary>One at a time per environment from this dashboard; the server's lock guards against everyone else.</summary>
    public bool Running(string environment) => _all.Values.Any(o => o.Environment == environment && o.Outcome is null);
}
