using System.Diagnostics;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Deploy;

/// <summary>The outcome of a deploy: what history recorded, the health report, and the exit code it maps to.</summary>
public sealed record DeployResult(DeployRecord Record, HealthReport? Health, int ExitCode);

/// <summary>
/// The seed's deploy flow on one server: fetch → resolve the ref → remember the serving commit → checkout →
/// build (before anything running is touched) → up → verify health → record. Each step is timed and recorded.
/// </summary>
public sealed class DeployWorker(AgentConfig config, ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    private readonly List<StepRecord> _steps = [];

    public async Task<DeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var environment = request.Environment;
        var git = new GitCommands(environment.Path);
        var record = new DeployRecord
        {
            Id = $"{time.GetUtcNow():yyyyMMddHHmmss}-{environment.Name}-{Guid.NewGuid().ToString("N")[..6]}",
            Environment = environment.Name,
            Ref = request.Ref.Name,
            StartedBy = request.StartedBy,
            TaskId = request.TaskId,
            StartedAt = time.GetUtcNow(),
        };
        await history.SaveAsync(record, cancellationToken);

        HealthReport? health = null;
        var exitCode = ExitCodes.Success;
        try
        {
            var compose = await StepAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken), cancellationToken);

            await StepAsync("fetch", async () =>
            {
                await RunAsync(git.EnsureRepository(config.Repository), cancellationToken);
                return await RunAsync(git.Fetch(), cancellationToken);
            }, cancellationToken);

            var (commit, previous) = await StepAsync("resolve", async () =>
            {
                var resolved = (await runner.RunAsync(git.Resolve(request.Ref), cancellationToken)).StandardOutput.Trim();
                if (resolved.Length == 0 && !request.DryRun)
                {
                    throw new InvalidInputException($"'{request.Ref}' is neither a branch nor a tag nor a commit of {config.Repository}.");
                }

                var current = await runner.RunAsync(git.CurrentCommit(), cancellationToken);
                var currentCommit = current.StandardOutput.Trim();
                return (resolved.Length == 0 ? $"<commit of {request.Ref}>" : resolved, current.Succeeded && currentCommit.Length > 0 ? currentCommit : null);
            }, cancellationToken);
            record = record with { Commit = commit, PreviousCommit = previous };

            var version = await StepAsync("checkout", async () =>
            {
                await RunAsync(git.Checkout(commit), cancellationToken);
                var tag = await runner.RunAsync(git.DescribeTag(), cancellationToken);
                return tag.Succeeded && tag.StandardOutput.Trim().Length > 0 ? tag.StandardOutput.Trim() : ShortCommit(commit);
            }, cancellationToken);
            record = record with { Version = version };

            await StepAsync("build", async () =>
            {
                try
                {
                    return await RunAsync(compose.Build(), cancellationToken, streamOutput: true);
                }
                catch (CommandFailedException) when (previous is not null)
                {
                    // Nothing running was touched; put the working tree back so it matches what serves.
                    await runner.RunAsync(git.Checkout(previous), cancellationToken);
                    throw;
                }
            }, cancellationToken);

            await StepAsync("up", () => RunAsync(compose.Up(), cancellationToken, streamOutput: true), cancellationToken);

            health = await StepAsync("health", async () =>
            {
                var report = await new HealthVerifier(runner, compose, environment.Health, time).VerifyAsync(request.DryRun, cancellationToken);
                foreach (var check in report.Checks)
                {
                    observer.CheckReported(check);
                }

                return report.Healthy || request.DryRun ? report : throw new HealthCheckFailedException(report);
            }, cancellationToken);

            await StepAsync("record release", () => RunAsync(
                new ServerRelease(environment.Name, request.Ref.Name, commit, version, time.GetUtcNow(), request.StartedBy, request.TaskId, record.Id).Write(environment.Path),
                cancellationToken), cancellationToken);

            record = record with { Outcome = request.DryRun ? DeployOutcome.Planned : DeployOutcome.Succeeded };
        }
        catch (DevOpsAgentException error)
        {
            health ??= (error as HealthCheckFailedException)?.Report;
            exitCode = error.ExitCode;
            record = record with { Outcome = DeployOutcome.Failed, Error = error.Message };
        }
        catch (OperationCanceledException)
        {
            exitCode = ExitCodes.Cancelled;
            record = record with { Outcome = DeployOutcome.Failed, Error = "cancelled" };
        }

        record = record with { FinishedAt = time.GetUtcNow(), Steps = [.. _steps], HealthSummary = health?.Summary ?? "" };
        await history.SaveAsync(record, CancellationToken.None);

        return new DeployResult(record, health, exitCode);
    }

    private async Task<CommandResult> RunAsync(Shell.ShellCommand command, CancellationToken cancellationToken, bool streamOutput = false) =>
        (await runner.RunAsync(command, cancellationToken, streamOutput ? observer.Output : null)).EnsureSuccess(runner.Target);

    private async Task<T> StepAsync<T>(string name, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
    }

    private void Finish(StepRecord step)
    {
        _steps.Add(step);
        observer.StepFinished(step);
    }

    /// <summary>The first 12 characters of a full commit id; anything else unchanged.</summary>
    public static string ShortCommit(string commit) => commit.Length == 40 ? commit[..12] : commit;

    private static string Describe(object? result) => result switch
    {
        ComposeCommands compose => compose.Flavor == ComposeFlavor.V2 ? "docker compose (v2)" : "docker-compose (v1)",
        ValueTuple<string, string?> (var commit, var previous) => previous is null ? $"{commit} (first deploy)" : $"{commit} (was {previous})",
        HealthReport report => $"{report.Checks.Count(c => c.Passed)}/{report.Checks.Count} checks passed",
        string text => text,
        _ => "",
    };
}
