using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Deploy;

/// <summary>One item of the production pre-flight checklist, checked by the machine.</summary>
public sealed record PreflightItem(string Name, bool Passed, string Reason);

/// <summary>
/// The seed's production pre-flight: QA approved, staging tested, migrations tested, rollback plan, and for a
/// zero-downtime environment with pending revisions whether they can run while the live slot serves. Pure: the
/// facts come from history, the migration plan, the migrations' SQL and the server.
/// </summary>
public static class PreflightChecklist
{
    public const string LiveSwitchItem = "migrations safe while serving";

    /// <param name="safety">Zero downtime: every pending revision judged from its SQL; null otherwise (no item).</param>
    /// <param name="maintenanceWindow">The environment opted into stopping the live slot for unsafe revisions.</param>
    public static IReadOnlyList<PreflightItem> Evaluate(
        string commit, string? qaApprovedBy, string testedOn, IReadOnlyList<DeployRecord> testedOnHistory, MigrationPlan? plan, ServerRelease? serving,
        IReadOnlyList<RevisionSafety>? safety = null, bool maintenanceWindow = false)
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

        return safety is null ? [qa, staging, migrations, rollback] : [qa, staging, migrations, rollback, LiveSwitch(safety, maintenanceWindow)];
    }

    /// <summary>Additive revisions pass; a destructive, locking or unjudged one fails unless a maintenance window was chosen.</summary>
    public static PreflightItem LiveSwitch(IReadOnlyList<RevisionSafety> safety, bool maintenanceWindow)
    {
        var unsafeOnes = safety.Where(s => !s.AllowsLiveSwitch).ToList();
        if (unsafeOnes.Count == 0)
        {
            return new PreflightItem(LiveSwitchItem, true, safety.Count == 0
                ? "no pending migrations"
                : $"{string.Join(", ", safety.Select(s => s.Revision))} additive: they run while the live slot serves");
        }

        var why = Explain(unsafeOnes);
        return maintenanceWindow
            ? new PreflightItem(LiveSwitchItem, true, $"maintenance window: the live slot stops while they run ({why})")
            : new PreflightItem(LiveSwitchItem, false, $"{why}; split them into additive steps, or set zero_downtime/maintenance_window: true");
    }

    /// <summary><c>0003 is locking: … (instead: …)</c> for each revision that cannot run while the live slot serves.</summary>
    public static string Explain(IEnumerable<RevisionSafety> unsafeOnes) =>
        string.Join("; ", unsafeOnes.Select(r => $"{r.Revision} is {r.Verdict.ToString().ToLowerInvariant()}: "
            + string.Join(", ", r.Problems.Select(p => p.Reason + (p.SafeAlternative is null ? "" : $" (instead: {p.SafeAlternative})")))));
}
