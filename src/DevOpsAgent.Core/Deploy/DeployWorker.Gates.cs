using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Deploy;

/// <summary>What may stop a deploy before it changes anything: check, the lock, the production pre-flight.</summary>
public sealed partial class DeployWorker
{
    /// <summary>The seed's "before deployment" checklist: warnings are shown, errors refuse the deploy.</summary>
    private async Task<string> CheckAsync(QualityGate gate, CancellationToken ct)
    {
        var findings = await gate(ct);
        foreach (var finding in findings)
        {
            observer.CheckReported(new CheckResult($"check {finding.RuleId}", false, $"{finding.Location}: {finding.Message}")
            {
                Blocking = finding.Severity == Severity.Error,
            });
        }

        var errors = findings.Where(f => f.Severity == Severity.Error).ToList();
        return errors.Count == 0
            ? findings.Count == 0 ? "no findings" : $"{findings.Count} warning(s)"
            : throw new DevOpsAgentException(
                $"refused: `devops-agent check` found {errors.Count} error(s), first {errors[0].Location}: {errors[0].Message} ({errors[0].RuleId})", ExitCodes.CheckFailed);
    }

    /// <summary>Takes the server's deploy lock and begins the operation's journal.</summary>
    private Task<ServerOperation> BeginAsync(DeployRequest request, DeployState state, CancellationToken ct) =>
        ServerOperation.BeginAsync(runner, request.Environment, "deploy", new LockInfo
        {
            DeployId = state.Record.Id,
            Environment = request.Environment.Name,
            Holder = request.StartedBy,
            TaskId = request.TaskId,
            Target = request.Ref.Name,
            StartedAt = state.Record.StartedAt,
        }, request.LockWait, request.LockStaleAfter, observer, history, ct);

    /// <summary>
    /// An operation the server records as interrupted after it began changing what serves: the stack is first
    /// brought back to the release the server recorded (database, code, verified kept images, up, health), so the
    /// deploy starts from a known release. One interrupted before that changed only the checkout and the build,
    /// which prepare redoes.
    /// </summary>
    private async Task RecoverAsync(DeployRequest request, DeploySteps steps, DeployState state, CancellationToken ct)
    {
        var operation = state.Operation!;
        if (operation.Interrupted is not { Switched: true } || operation.Serving is not { } serving || request.DryRun)
        {
            return;
        }

        var compose = state.Compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, request.Environment, ct), ct);
        observer.StepStarted($"recovering {request.Environment.Name} to its recorded release {serving.Version}");
        if (serving.Slot is not null && request.Environment.ZeroDowntime is { } zero)
        {
            await RecoverSlotsAsync(request, steps, state, serving, zero, ct);
            await operation.UpdateAsync(j => j with { Switched = false, InvolvedCommits = [] }, ct);
            return;
        }

        await new RollbackWorker(steps, request.Environment, config.Migrations, "recover")
            .RollbackAsync(compose, new RollbackTarget(serving.Commit, serving.Version, serving.Revision), operation.Journal.InvolvedCommits, time.GetUtcNow(), ct);
        await operation.UpdateAsync(j => j with { Switched = false, InvolvedCommits = [] }, ct);
    }

    private async Task PreflightAsync(DeployRequest request, DeploySteps steps, DeployState state, string testedOn, CancellationToken ct)
    {
        var items = PreflightChecklist.Evaluate(state.Record.Commit!, request.QaApprovedBy, testedOn,
            await history.ListAsync(testedOn, 200, ct), state.Plan, state.Operation!.Serving,
            state.Slots is { Live: not null } ? state.Safety ?? [] : null, request.Environment.ZeroDowntime?.MaintenanceWindow ?? false);
        state.Record = state.Record with { Preflight = items, PreflightOverride = request.OverridePreflight };
        await steps.RunAsync("pre-flight", () =>
        {
            foreach (var item in items)
            {
                observer.CheckReported(new CheckResult($"pre-flight: {item.Name}", item.Passed, item.Reason));
            }

            var failed = items.Where(i => !i.Passed).Select(i => i.Name).ToList();
            if (failed.Count == 0)
            {
                return Task.FromResult("all items passed");
            }

            return request.OverridePreflight is { Length: > 0 } reason || request.DryRun
                ? Task.FromResult($"OVERRIDDEN ({string.Join(", ", failed)}): {request.OverridePreflight}")
                : throw new DevOpsAgentException($"refused by the pre-flight checklist: {string.Join("; ", items.Where(i => !i.Passed).Select(i => $"{i.Name}: {i.Reason}"))}", ExitCodes.Refused);
        }, ct);
    }
}
