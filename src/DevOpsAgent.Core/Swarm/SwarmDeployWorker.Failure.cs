using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Swarm;

public sealed partial class SwarmDeployWorker
{
    /// <summary>
    /// The on-failure stage. Before the switch nothing serving was touched: the checkout goes back and the deploy fails.
    /// After it: every service the release updated and Swarm did not already roll back gets <c>docker service rollback</c>,
    /// the stack is waited on until each service runs its previous image again, the database is downgraded (with the
    /// failed release's migrations, which know its revisions) to the revision it had, and the restored release is
    /// proven healthy. The journal stays when that fails, for the next deploy or rollback.
    /// </summary>
    private async Task<int> FailAsync(DeployRequest request, DeploySteps steps, SwarmDeployState state, DevOpsAgentException error, System.Threading.CancellationToken ct)
    {
        state.Health ??= (error as HealthCheckFailedException)?.Report;
        var refused = error.ExitCode is ExitCodes.Refused or ExitCodes.Locked or ExitCodes.CheckFailed;
        state.Record = state.Record with { Outcome = refused ? DeployOutcome.Refused : DeployOutcome.Failed, Error = error.Message };
        if (state.Operation is not { } operation)
        {
            return error.ExitCode;
        }

        var previous = state.Record.PreviousCommit;
        var git = new GitCommands(request.Environment.Path);
        try
        {
            if (!state.Switched || previous is null || request.DryRun)
            {
                if (previous is not null && state.CheckedOut)
                {
                    await runner.RunAsync(git.Checkout(previous), ct);
                }

                if (state.Switched && previous is null)
                {
                    state.Record = state.Record with { Error = $"{error.Message} (first deploy: no previous release to roll back to)" };
                }

                await operation.ConcludeAsync(ct);
                return error.ExitCode;
            }
        }
        catch (ConnectionFailedException lost)
        {
            state.Record = state.Record with { Error = $"{error.Message}; then {lost.Message}" };
            return ExitCodes.ConnectionFailed;
        }

        if (request.RollbackTo is not null)
        {
            // A rollback is itself the way back: it is not undone. The journal stays, so the next deploy or rollback
            // starts from the interrupted operation.
            state.Record = state.Record with
            {
                Error = $"rollback to {state.Record.Version} failed: {error.Message}. The server records the interrupted rollback; fix the cause, "
                    + $"then run `devops-agent rollback {request.Environment.Name} --to {state.Record.Version}` again.",
            };
            return ExitCodes.RollbackFailed;
        }

        var version = operation.Serving?.Commit == previous ? operation.Serving.Version : DeployWorker.ShortCommit(previous);
        var revision = state.Record.RevisionBefore;
        try
        {
            observer.StepStarted($"automatic rollback to {version}");
            var swarm = state.Swarm;
            var stack = state.Stack!;
            var rolledBack = await steps.RunAsync("service rollback", async () =>
            {
                var now = await swarm.StatesAsync(ct);
                var updated = stack.Services.Where(s => state.Before!.TryGetValue(s, out var before) && before.Image != state.Expected![s]
                    && now.TryGetValue(s, out var current) && current.Image == state.Expected[s]).ToList();
                foreach (var service in updated)
                {
                    await steps.CommandAsync(swarm.Commands.Rollback(service), ct);
                }

                // Only this deploy's rollbacks: a service still showing an earlier deploy's rollback_completed was not touched now.
                var byItself = stack.Services.Where(s => now.TryGetValue(s, out var current) && current.RolledBackSince(state.Before!.GetValueOrDefault(s)) && !updated.Contains(s)).ToList();
                return (updated.Count == 0 ? "no service to roll back" : $"rolled back {string.Join(", ", updated)}")
                    + (byItself.Count == 0 ? "" : $"; Swarm had rolled back {string.Join(", ", byItself)} itself");
            }, ct);
            var previousImages = stack.Services.Where(state.Before!.ContainsKey).ToDictionary(s => s, s => state.Before![s].Image);
            var previousStack = stack.Only(previousImages.Keys);
            await steps.RunAsync("swarm rollback", () => swarm.WaitForRollbackAsync(previousStack, previousImages, ct), ct);

            if (config.Migrations is not null && state.Record.RevisionAfter != revision)
            {
                await steps.RunAsync("downgrade", async () =>
                    $"database at {await swarm.MigrateAsync(stack, state.Expected![config.Migrations.Service], "downgrade", revision, ct) ?? "base"}", ct);
            }

            await steps.RunAsync("checkout", async () => (await steps.CommandAsync(git.Checkout(previous), ct)).StandardOutput, ct);
            state.Health = await steps.RunAsync("health", async () =>
            {
                var report = await swarm.VerifyHealthAsync(previousStack, singlePass: false, ct, state.Record.StartedAt);
                return report.Healthy ? report : throw new HealthCheckFailedException(report);
            }, ct);
            await operation.ConcludeAsync(ct);
            state.Record = state.Record with
            {
                Outcome = DeployOutcome.RolledBack,
                Error = $"{error.Message}; rolled back to {version} ({rolledBack})" + (config.Migrations is null ? "" : $" (database at {revision ?? "base"})"),
                RevisionAfter = revision,
            };
            return ExitCodes.RolledBack;
        }
        catch (Exception rollbackError) when (rollbackError is DevOpsAgentException or OperationCanceledException)
        {
            var why = rollbackError is OperationCanceledException ? "the grace for undoing a cancelled deploy ran out" : rollbackError.Message;
            state.Record = state.Record with
            {
                Error = $"{error.Message}; ROLLBACK to {version} FAILED: {why}. The server records the interrupted deploy; "
                    + $"fix the cause, then run `devops-agent rollback {request.Environment.Name}` (it redeploys {version}'s stack).",
            };
            return ExitCodes.RollbackFailed;
        }
    }
}
