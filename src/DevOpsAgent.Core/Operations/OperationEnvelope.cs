using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Locks;

namespace DevOpsAgent.Core.Operations;

/// <summary>What a smaller server-changing operation (restart, migrate, restore, env push) did: its history record and exit code.</summary>
public sealed record OperationResult(DeployRecord Record, int ExitCode, DevOpsAgentException? Error);

/// <summary>
/// The envelope the smaller server-changing operations (restart, migrate, restore, env push) run in, as deploy and
/// rollback do: a history record first (never left "running"), the environment's lock, the server's journal, one
/// step runner, and the journal removed only when the body finished. They refuse to run on a server that records
/// an interrupted operation: a restart or a migration on a half-switched stack would start the wrong release, so
/// the operator is sent to `rollback` or `deploy`, which recover it — except a restore, which is how an operator
/// repairs a database a failed rollback left behind (<c>onInterrupted</c>): it runs, and the interrupted operation's
/// journal stays for the next deploy or rollback. The body marks the journal switched before a change that can
/// stop half-way; the journal then stays when the body fails.
/// </summary>
public sealed class OperationEnvelope(ICommandRunner runner, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    public async Task<OperationResult> RunAsync(
        EnvironmentConfig environment, string action, string target, string startedBy, string? taskId,
        Func<DeploySteps, ServerOperation, CancellationToken, Task<string?>> body, CancellationToken cancellationToken, TimeSpan? staleAfter = null,
        bool onInterrupted = false)
    {
        var steps = new DeploySteps(runner, observer, time);
        var record = new DeployRecord
        {
            Id = OperationId.New(time.GetUtcNow(), environment.Name, action),
            Action = action,
            Environment = environment.Name,
            Ref = target,
            StartedBy = startedBy,
            TaskId = taskId,
            StartedAt = time.GetUtcNow(),
        };
        await history.SaveAsync(record, cancellationToken);
        ServerOperation? operation = null;
        DevOpsAgentException? failure = null;
        try
        {
            operation = await steps.RunAsync("lock", () => ServerOperation.BeginAsync(runner, environment, action,
                new LockInfo { DeployId = record.Id, Environment = environment.Name, Holder = startedBy, TaskId = taskId, Target = $"{action} {target}", StartedAt = record.StartedAt },
                TimeSpan.Zero, staleAfter ?? DeployLock.DefaultStaleAfter, observer, history, cancellationToken), cancellationToken);
            if (operation.Interrupted is { } interrupted && !onInterrupted)
            {
                throw new DevOpsAgentException(
                    $"refused: {environment.Name} records an interrupted {interrupted.Describe()}. Bring it to a known release first with "
                    + $"`devops-agent rollback {environment.Name}` (or a deploy), then {action} again", ExitCodes.Refused);
            }

            steps.StepStarting = operation.StepAsync;
            var detail = await body(steps, operation, cancellationToken);
            if (operation.Interrupted is null)
            {
                await operation.ConcludeAsync(cancellationToken);
            }

            record = record with { Outcome = DeployOutcome.Succeeded, Error = null, Version = detail };
        }
        catch (DevOpsAgentException error)
        {
            failure = error;
            record = record with { Outcome = error.ExitCode is ExitCodes.Refused or ExitCodes.Locked ? DeployOutcome.Refused : DeployOutcome.Failed, Error = error.Message };
            // A body marks the journal switched before a change that can stop half-way (a migration); anything else
            // failed atomically or before changing the server, and nothing is half-way.
            if (operation is { Interrupted: null, Journal.Switched: false } && error is not ConnectionFailedException)
            {
                await operation.TryConcludeAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = new DevOpsAgentException($"cancelled during {steps.Current ?? "start"}", ExitCodes.Cancelled);
            record = record with { Outcome = DeployOutcome.Failed, Error = failure.Message };
            if (operation is { Interrupted: null, Journal.Switched: false })
            {
                await operation.TryConcludeAsync();
            }
        }
        finally
        {
            if (operation is not null)
            {
                if (operation.Interrupted is not null)
                {
                    await operation.TryHandBackAsync();
                }

                await operation.DisposeAsync();
            }

            record = record with { FinishedAt = time.GetUtcNow(), Steps = [.. steps.Records] };
            if (record.Outcome == DeployOutcome.Running)
            {
                record = record with { Outcome = DeployOutcome.Failed, Error = $"interrupted during {steps.Current ?? "start"}" };
            }

            await history.SaveAsync(record, CancellationToken.None);
        }

        return new OperationResult(record, failure?.ExitCode ?? ExitCodes.Success, failure);
    }
}
