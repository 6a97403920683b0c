using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>"check migrations" and "run migrations" EXECUTE messages against the recording backend.</summary>
public sealed class MigrationInstructionTests
{
    private const string Downgrade = "\ndef downgrade():\n    op.drop_column(\"items\", \"description\")\n";
    private const string NoDowngrade = "\ndef downgrade():\n    pass\n";

    private static RecordingCommandRunner Database(string downgrade) => new RecordingCommandRunner()
        .Answer(AlembicCommands.InspectSeparator, standardOutput: $"0001\n{AlembicCommands.InspectSeparator}\n0002 (head)\n{AlembicCommands.InspectSeparator}\n0001 -> 0002 (head), add item description\n<base> -> 0001, create items\n")
        .Answer("alembic current", standardOutput: "0001\n")
        .Answer("alembic heads", standardOutput: "0002 (head)\n")
        .Answer("alembic history", standardOutput: "0001 -> 0002 (head), add item description\n<base> -> 0001, create items\n")
        .Answer("==> %s <==", standardOutput: $"==> backend/alembic/versions/0002_add_item_description.py <==\nrevision = \"0002\"\ndown_revision = \"0001\"\n{downgrade}")
        .AppendRulesFrom(ProtocolFakes.HealthyServer());

    private static Task<ExecutionReport> ExecuteAsync(string body, RecordingCommandRunner runner)
    {
        var context = ProtocolFakes.Context(runner, new MemoryHistory()) with { Config = ProtocolFakes.Config with { Migrations = new MigrationsConfig() } };
        return new ProtocolExecutor(context).ExecuteAsync(MessageParser.Parse($"DevOps Agent [EXECUTE TASK-045]: {body}"), CancellationToken.None);
    }

    [Fact]
    public async Task Check_migrations_reports_what_is_pending_and_changes_nothing()
    {
        var runner = Database(Downgrade);

        var report = await ExecuteAsync("check migrations on staging", runner);

        Assert.Equal((ReportOutcome.Succeeded, "check_migrations"), (report.Outcome, report.Action));
        Assert.Equal(new ReportMigrations(true, "0001", "0001", "0001 → 0002: 1 pending (0002 add item description)"), report.Migrations);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("alembic upgrade", StringComparison.Ordinal));
        ReportSchema.AssertValid(report);
    }

    [Fact]
    public async Task Running_a_migration_that_cannot_be_undone_is_refused_outside_a_deploy()
    {
        var runner = Database(NoDowngrade);

        var report = await ExecuteAsync("run migrations on staging", runner);

        Assert.Equal((ReportOutcome.Refused, ExitCodes.Refused), (report.Outcome, report.ExitCode));
        Assert.Contains("NO real downgrade(): 0002", report.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("alembic upgrade", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrations_without_a_migrations_section_are_refused()
    {
        var context = ProtocolFakes.Context(ProtocolFakes.HealthyServer(), new MemoryHistory());

        var report = await new ProtocolExecutor(context).ExecuteAsync(MessageParser.Parse("[EXECUTE TASK-045]: run migrations on staging"), CancellationToken.None);

        Assert.Equal(ReportOutcome.Refused, report.Outcome);
        Assert.StartsWith("No migrations are configured", report.Reason, StringComparison.Ordinal);
    }
}
