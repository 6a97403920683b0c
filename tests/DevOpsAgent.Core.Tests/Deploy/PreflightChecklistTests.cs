using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Tests.Deploy;

/// <summary>The pre-flight's live-switch item: a zero-downtime production deploy shows the migrations' verdicts in its checklist.</summary>
public sealed class PreflightChecklistTests
{
    private const string Commit = "1111111111111111111111111111111111111111";

    private static readonly RevisionSafety Additive = new("0002", MigrationRisk.Additive,
        [new SafetyFinding("0002", "ALTER TABLE items ADD COLUMN note TEXT", MigrationRisk.Additive, "adds a nullable column", null)]);

    private static readonly RevisionSafety Locking = new("0003", MigrationRisk.Locking,
        [new SafetyFinding("0003", "CREATE INDEX ix ON items (name)", MigrationRisk.Locking, "CREATE INDEX blocks writes while it builds", "CREATE INDEX CONCURRENTLY")]);

    private static IReadOnlyList<PreflightItem> Evaluate(IReadOnlyList<RevisionSafety>? safety, bool maintenanceWindow = false) =>
        PreflightChecklist.Evaluate(Commit, "qa", "staging", [], null, null, safety, maintenanceWindow);

    [Fact]
    public void Without_zero_downtime_the_checklist_keeps_its_four_items()
    {
        Assert.Equal(["QA approved", "staging tested", "migrations tested", "rollback plan"], Evaluate(null).Select(i => i.Name));
    }

    [Fact]
    public void Additive_revisions_pass_and_are_named()
    {
        Assert.Equal(new PreflightItem("migrations safe while serving", true, "0002 additive: they run while the live slot serves"), Evaluate([Additive])[^1]);
        Assert.Equal(new PreflightItem("migrations safe while serving", true, "no pending migrations"), Evaluate([])[^1]);
    }

    [Fact]
    public void A_locking_revision_fails_the_item_with_its_reason_and_the_safe_alternative()
    {
        Assert.Equal(new PreflightItem("migrations safe while serving", false,
            "0003 is locking: CREATE INDEX blocks writes while it builds (instead: CREATE INDEX CONCURRENTLY); split them into additive steps, or set zero_downtime/maintenance_window: true"),
            Evaluate([Additive, Locking])[^1]);
    }

    [Fact]
    public void A_maintenance_window_passes_the_item_and_says_the_live_slot_stops()
    {
        Assert.Equal(new PreflightItem("migrations safe while serving", true,
            "maintenance window: the live slot stops while they run (0003 is locking: CREATE INDEX blocks writes while it builds (instead: CREATE INDEX CONCURRENTLY))"),
            Evaluate([Locking], maintenanceWindow: true)[^1]);
    }
}
