using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Deploy;

/// <summary>One item of the production pre-flight checklist, checked by the machine.</summary>
public sealed record PreflightItem(string Name, bool Passed, string Reason);

/// <summary>
/// The seed's production pre-flight: QA approved, staging tested, migrations tested, rollback plan. Pure: the
/// facts come from history, the migration plan and the server.
/// </summary>
public static class PreflightChecklist
{
    public static IReadOnlyList<PreflightItem> Evaluate(
        string commit, string? qaApprovedBy, string testedOn, IReadOnlyList<DeployRecord> testedOnHistory, MigrationPlan? plan, ServerRelease? serving)
    {
        var stagingRun = testedOnHistory
            .Where(r => r.Commit == commit && r.Outcome == DeployOutcome.Succeeded)
            .OrderByDescending(r => r.StartedAt)
            .FirstOrDefault();
        var pending = plan?.Pending ?? [];

        var qa = qaApprovedBy is { Length: > 0 }
            ? new PreflightItem("QA approved", true, $"approved by {qaApprovedBy}")
            : new PreflightItem("QA approved", false, "no QA approval recorded (--qa-approved-by, or the task's QA status)");

        var staging = stagingRun is null
            ? new PreflightItem("staging tested", false, $"commit {DeployWorker.ShortCommit(commit)} was never deployed to {testedOn} with passing health checks")
            : new PreflightItem("staging tested", true, $"{DeployWorker.ShortCommit(commit)} deployed to {testedOn} at {stagingRun.StartedAt:yyyy-MM-dd HH:mm} UTC, healthy");

        var migrations = pending.Count == 0
            ? new PreflightItem("migrations tested", true, "no pending migrations")
            : stagingRun is not null && stagingRun.RevisionAfter == plan!.Head
                ? new PreflightItem("migrations tested", true, $"{testedOn} ran {string.Join(", ", pending.Select(p => p.Id))} up to {plan.Head} successfully")
                : new PreflightItem("migrations tested", false, $"{testedOn} has not run {string.Join(", ", pending.Select(p => p.Id))} with this release");

        var missing = pending.Where(p => !p.HasRealDowngrade).Select(p => p.Id).ToList();
        var rollback = serving is null
            ? new PreflightItem("rollback plan", false, "no previous release on the server to roll back to")
            : missing.Count > 0
                ? new PreflightItem("rollback plan", false, $"revision(s) {string.Join(", ", missing)} have no real downgrade()")
                : new PreflightItem("rollback plan", true, $"git: back to {serving.Version}; alembic: downgrade to {serving.Revision ?? plan?.Current ?? "the current revision"}");

        return [qa, staging, migrations, rollback];
    }
}
