using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// `devops-agent rollback`: back to an earlier release the server served (the previous one by default),
/// through the same steps as the automatic rollback, recorded in history and on the server.
/// </summary>
public sealed class RollbackOperation(AgentConfig config, ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    /// <summary>Releases the server served before the current one, newest first.</summary>
    public static async Task<(ServerRelease? Current, IReadOnlyList<ServerRelease> Candidates)> CandidatesAsync(
        ICommandRunner runner, EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        var current = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), cancellationToken)).StandardOutput);
        var log = ServerRelease.ParseLog((await runner.RunAsync(ServerRelease.ReadLog(environment.Path), cancellationToken)).StandardOutput);
        var candidates = log.Reverse().Where(r => r.Commit != current?.Commit).DistinctBy(r => r.Commit).ToList();
        return (current, candidates);
    }

    /// <summary>The release <paramref name="to"/> names (version, tag or commit prefix), or the previous one.</summary>
    public static ServerRelease Choose(IReadOnlyList<ServerRelease> candidates, string? to, string environment)
    {
        if (candidates.Count == 0)
        {
            throw new InvalidInputException($"{environment} has no earlier release recorded on the server to roll back to.");
        }

        if (to is null)
        {
            return candidates[0];
        }

        var matches = candidates.Where(r => r.Version == to || r.Ref == to || (to.Length >= 7 && r.Commit.StartsWith(to, StringComparison.Ordinal))).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidInputException($"no earlier release of {environment} matches '{to}'; candidates: {List(candidates)}."),
            _ => throw new InvalidInputException($"'{to}' is ambiguous on {environment}; candidates: {List(matches)}."),
        };
    }

    public async Task<DeployResult> RollbackAsync(EnvironmentConfig environment, string? to, string startedBy, string? taskId, CancellationToken cancellationToken)
    {
        var steps = new DeploySteps(runner, observer, time);
        var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken), cancellationToken);
        var (current, candidates) = await CandidatesAsync(runner, environment, cancellationToken);
        var target = Choose(candidates, to, environment.Name);
        var record = new DeployRecord
        {
            Id = $"{time.GetUtcNow():yyyyMMddHHmmss}-{environment.Name}-rollback-{Guid.NewGuid().ToString("N")[..6]}",
            Action = "rollback",
            Environment = environment.Name,
            Ref = target.Ref,
            Commit = target.Commit,
            Version = target.Version,
            PreviousCommit = current?.Commit,
            StartedBy = startedBy,
            TaskId = taskId,
            StartedAt = time.GetUtcNow(),
            RevisionAfter = target.Revision,
        };
        await history.SaveAsync(record, cancellationToken);

        HealthReport? health = null;
        var exitCode = ExitCodes.Success;
        try
        {
            var images = ReleaseImages.Parse((await runner.RunAsync(ReleaseImages.Inspect(compose), cancellationToken)).StandardOutput, compose.ProjectName);
            health = await new RollbackWorker(steps, environment, config.Migrations)
                .RollbackAsync(compose, new RollbackTarget(target.Commit, target.Version, target.Revision), [.. images.Select(i => i.Repository).Distinct()], record.StartedAt, cancellationToken);
            var serving = target with { DeployedAt = time.GetUtcNow(), DeployedBy = startedBy, TaskId = taskId, DeployId = record.Id };
            await steps.RunAsync("record release", () => steps.CommandAsync(serving.Write(environment.Path), cancellationToken), cancellationToken);
            record = record with { Outcome = DeployOutcome.Succeeded };
        }
        catch (DevOpsAgentException error)
        {
            health = (error as HealthCheckFailedException)?.Report;
            exitCode = ExitCodes.RollbackFailed;
            record = record with
            {
                Outcome = DeployOutcome.Failed,
                Error = $"rollback to {target.Version} failed: {error.Message}",
            };
        }

        record = record with { FinishedAt = time.GetUtcNow(), Steps = [.. steps.Records], HealthSummary = health?.Summary ?? "" };
        await history.SaveAsync(record, CancellationToken.None);
        return new DeployResult(record, health, exitCode);
    }

    private static string List(IEnumerable<ServerRelease> releases) =>
        string.Join(", ", releases.Select(r => $"{r.Version} ({DeployWorker.ShortCommit(r.Commit)}, {r.DeployedAt:yyyy-MM-dd HH:mm})"));
}
