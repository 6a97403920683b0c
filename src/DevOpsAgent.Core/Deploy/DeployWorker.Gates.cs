using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;
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

    /// <summary>
    /// Takes the server's deploy lock. When the last holder died mid-deploy, says what it left half-done and
    /// makes its last known good release the one to come back to.
    /// </summary>
    private async Task<DeployLease> LockAsync(DeployRequest request, DeployState state, CancellationToken ct)
    {
        var info = new LockInfo
        {
            DeployId = state.Record.Id,
            Environment = request.Environment.Name,
            Holder = request.StartedBy,
            TaskId = request.TaskId,
            Target = request.Ref.Name,
            StartedAt = state.Record.StartedAt,
        };
        var lease = await DeployLock.AcquireAsync(runner, request.Environment.Path, info, request.LockWait, request.LockStaleAfter, ct);
        if (lease.Abandoned is { Info: { } abandoned } status)
        {
            state.Interrupted = abandoned;
            observer.CheckReported(new CheckResult("interrupted deploy", false, status.DescribeInterruption()) { Blocking = false });
        }

        return lease;
    }

    private async Task PreflightAsync(DeployRequest request, DeploySteps steps, DeployState state, string testedOn, CancellationToken ct)
    {
        var items = PreflightChecklist.Evaluate(state.Record.Commit!, request.QaApprovedBy, testedOn,
            await history.ListAsync(testedOn, 200, ct), state.Plan, state.Serving);
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
