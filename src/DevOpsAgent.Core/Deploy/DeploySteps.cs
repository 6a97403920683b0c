using System.Diagnostics;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Deploy;

/// <summary>Runs named steps of an operation: timed, told to the observer, and kept for history.</summary>
public sealed class DeploySteps(ICommandRunner runner, IDeployObserver observer, TimeProvider time)
{
    private readonly List<StepRecord> _steps = [];

    public IReadOnlyList<StepRecord> Records => _steps;

    public ICommandRunner Runner => runner;

    public IDeployObserver Observer => observer;

    public TimeProvider Time => time;

    /// <summary>The step running now (or the last one started), for messages about an interruption.</summary>
    public string? Current { get; private set; }

    /// <summary>Told each step's name before it runs (the deploy lock records where a deploy is).</summary>
    public Func<string, CancellationToken, Task>? StepStarting { get; set; }

    public async Task<T> RunAsync<T>(string name, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Current = name;
        if (StepStarting is not null)
        {
            await StepStarting(name, cancellationToken);
        }

        observer.StepStarted(name);
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await action();
            Finish(new StepRecord(name, startedAt, stopwatch.Elapsed, StepOutcome.Succeeded, Describe(result)));
            return result;
        }
        catch (DevOpsAgentException error)
        {
            Finish(new StepRecord(name, startedAt, stopwatch.Elapsed, StepOutcome.Failed, error.Message));
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // History and the reports name the step a cancel (or a fleet stopping this host) interrupted.
            Finish(new StepRecord(name, startedAt, stopwatch.Elapsed, StepOutcome.Failed, "cancelled"));
            throw;
        }
    }

    /// <summary>Runs a command that must succeed, its output streamed to the observer when asked.</summary>
    public async Task<CommandResult> CommandAsync(ShellCommand command, CancellationToken cancellationToken, bool streamOutput = false) =>
        (await runner.RunAsync(command, cancellationToken, streamOutput ? observer.Output : null)).EnsureSuccess(runner.Target);

    public async Task<HealthReport> VerifyHealthAsync(
        ComposeCommands compose, Configuration.HealthConfig health, bool singlePass, DateTimeOffset logsSince, CancellationToken cancellationToken,
        ComposeCommands? databaseCompose = null)
    {
        var report = await new HealthVerifier(runner, compose, health, time, databaseCompose).VerifyAsync(singlePass, cancellationToken, logsSince);
        foreach (var check in report.Checks)
        {
            observer.CheckReported(check);
        }

        return report;
    }

    private void Finish(StepRecord step)
    {
        // A step's detail can quote a server's answer (the last line a command printed): it is kept in history
        // and shown, so what looks like a secret never stays in it.
        step = step with { Detail = Secrets.Redaction.Redact(step.Detail) };
        _steps.Add(step);
        observer.StepFinished(step);
    }

    private static string Describe(object? result) => result switch
    {
        ComposeCommands compose => compose.Flavor == ComposeFlavor.V2 ? "docker compose (v2)" : "docker-compose (v1)",
        ValueTuple<string, string?> (var commit, var previous) => previous is null ? $"{commit} (first deploy)" : $"{commit} (was {previous})",
        HealthReport report => $"{report.Checks.Count(c => c.Passed)}/{report.Checks.Count} checks passed"
            + (report.Warnings.Any() ? $", warnings: {string.Join(", ", report.Warnings.Select(w => w.Name))}" : ""),
        MigrationPlan plan => plan.Summary,
        string text => text,
        _ => "",
    };
}
