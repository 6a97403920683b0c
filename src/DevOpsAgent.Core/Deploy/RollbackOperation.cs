using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Operations;

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

        var matches = candidates.Where(r => Matches(r, to)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidInputException($"no earlier release of {environment} matches '{to}'; candidates: {List(candidates)}."),
            _ => throw new InvalidInputException($"'{to}' is ambiguous on {environment}; candidates: {List(matches)}."),
        };
    }

    public async Task<DeployResult> RollbackAsync(
        EnvironmentConfig environment, string? to, string startedBy, string? taskId, TimeSpan lockStaleAfter, CancellationToken cancellationToken)
    {
        var steps = new DeploySteps(runner, observer, time);
        var startedAt = time.GetUtcNow();
        var record = new DeployRecord
        {
            Id = OperationId.New(startedAt, environment.Name, "rollback"),
            Action = "rollback",
            Environment = environment.Name,
            Ref = to ?? "previous",
            StartedBy = startedBy,
            TaskId = taskId,
            StartedAt = startedAt,
        };
        await history.SaveAsync(record, cancellationToken);

        HealthReport? health = null;
        var exitCode = ExitCodes.Success;
        ServerOperation? operation = null;
        var switched = false;
        try
        {
            operation = await steps.RunAsync("lock", () => ServerOperation.BeginAsync(runner, environment, "rollback",
                new LockInfo { DeployId = record.Id, Environment = environment.Name, Holder = startedBy, TaskId = taskId, Target = $"rollback {to ?? "previous"}", StartedAt = startedAt },
                TimeSpan.Zero, lockStaleAfter, observer, history, cancellationToken), cancellationToken);
            steps.StepStarting = operation.StepAsync;
            var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken), cancellationToken);
            var (current, candidates) = await CandidatesAsync(runner, environment, cancellationToken);
            // After an interruption the known release to return to, unless one is named, is the one the server last recorded.
            // A release named that the server already serves is brought back as it is recorded (after an interruption that is
            // the recovery; otherwise a re-check of code, database, images and health), so `rollback --to X` is idempotent.
            var target = (operation.Interrupted is not null && to is null) || (to is not null && current is not null && Matches(current, to)) ? current
                : null;
            target ??= Choose(candidates, to, environment.Name);
            record = record with
            {
                Ref = target.Ref, Commit = target.Commit, Version = target.Version, PreviousCommit = current?.Commit, RevisionAfter = target.Revision,
            };
            await history.SaveAsync(record, cancellationToken);
            await operation.UpdateAsync(j => j with
            {
                TargetCommit = target.Commit,
                Switched = true,
                InvolvedCommits = [.. j.InvolvedCommits.Concat(new[] { current?.Commit, target.Commit }.OfType<string>()).Distinct()],
            }, cancellationToken);
            switched = true;

            // Once it changes the server, a rollback is the way back to a known release: a cancel lets it finish, within a bound.
            using var grace = new Grace(cancellationToken, DeployWorker.CancelGrace);
            string? slot = null;
            if (environment.ZeroDowntime is { } zero && current?.Slot is { } live)
            {
                // Zero downtime: the release comes back in the other slot and the edge switches to it.
                // Back to the release recorded as serving (after an interruption): its own slot is the one to make live again.
                var from = target.Commit == current.Commit ? ZeroDowntime.SlotNames.Other(live) : live;
                var slots = await steps.RunAsync("slots", () => SlotStack.ReadAsync(steps, environment, zero, compose, from, target.Commit, grace.Token), grace.Token);
                health = await new SlotRollback(steps, environment, config.Migrations).RollbackAsync(slots, target, current.Revision, startedAt, grace.Token);
                slot = slots.TargetSlot;
            }
            else
            {
                health = await new RollbackWorker(steps, environment, config.Migrations)
                    .RollbackAsync(compose, new RollbackTarget(target.Commit, target.Version, target.Revision), operation.Journal.InvolvedCommits, startedAt, grace.Token);
            }

            var serving = target with { DeployedAt = time.GetUtcNow(), DeployedBy = startedBy, TaskId = taskId, DeployId = record.Id, Slot = slot };
            await steps.RunAsync("record release", () => steps.CommandAsync(serving.Write(environment.Path), grace.Token), grace.Token);
            await operation.ConcludeAsync(grace.Token);
            record = record with { Outcome = DeployOutcome.Succeeded };
            if (cancellationToken.IsCancellationRequested)
            {
                // The exit code tells the server's state, and the server is at a known release: the cancel only gets said.
                observer.CheckReported(new CheckResult("cancel", false, "cancelled while rolling back: the rollback was finished first, so the server is at a known release")
                {
                    Blocking = false,
                });
            }
        }
        catch (DevOpsAgentException error) when (!switched && error is DeployLockedException or InvalidInputException)
        {
            record = record with { Outcome = DeployOutcome.Refused, Error = error.Message };
            throw;
        }
        catch (Exception error) when (error is DevOpsAgentException or OperationCanceledException)
        {
            health = (error as HealthCheckFailedException)?.Report;
            var cancelled = error is OperationCanceledException;
            exitCode = error switch
            {
                ConnectionFailedException => ExitCodes.ConnectionFailed,
                _ when cancelled => ExitCodes.Cancelled,
                _ when switched => ExitCodes.RollbackFailed,
                DevOpsAgentException e => e.ExitCode,
                _ => ExitCodes.InternalError,
            };
            var why = cancelled ? $"cancelled during {steps.Current ?? "start"}" : error.Message;
            record = record with
            {
                Outcome = DeployOutcome.Failed,
                Error = $"rollback to {record.Version ?? to ?? "the previous release"} failed: {why}"
                    + (switched ? $". The server records the interrupted rollback; fix the cause, then run `devops-agent rollback {environment.Name}"
                        + $"{(to is null ? "" : $" --to {to}")}` again (it starts from the database's actual revision)" : ""),
            };
        }
        finally
        {
            if (operation is not null)
            {
                // Refused or stopped before it changed anything (no release to go back to, a cancel while choosing): nothing is half-way.
                if (!switched && operation is { Concluded: false, Journal.Switched: false })
                {
                    await operation.TryConcludeAsync();
                }

                await operation.DisposeAsync();
            }

            record = record with { FinishedAt = time.GetUtcNow(), Steps = [.. steps.Records], HealthSummary = health?.Summary ?? "" };
            await history.SaveAsync(record, CancellationToken.None);
        }

        return new DeployResult(record, health, exitCode);
    }

    /// <summary>The release is the one <paramref name="to"/> names: its version, its ref, or a prefix (7 or more) of its commit.</summary>
    public static bool Matches(ServerRelease release, string to) =>
        release.Version == to || release.Ref == to || (to.Length >= 7 && release.Commit.StartsWith(to, StringComparison.Ordinal));

    private static string List(IEnumerable<ServerRelease> releases) =>
        string.Join(", ", releases.Select(r => $"{r.Version} ({DeployWorker.ShortCommit(r.Commit)}, {r.DeployedAt:yyyy-MM-dd HH:mm})"));
}
