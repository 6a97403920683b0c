using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>EXECUTE messages against the recording backend: Layer 2, pre-flight, what runs, and the report.</summary>
public sealed class ExecutionWorkflowTests
{
    private readonly MemoryHistory _history = new();

    private static void AssertValidAgainstSchema(ExecutionReport report) => ReportSchema.AssertValid(report);

    private Task<ExecutionReport> ExecuteAsync(string message, Execution.RecordingCommandRunner runner, string? state = TaskGateTests.StateYaml) =>
        new ProtocolExecutor(ProtocolFakes.Context(runner, _history, state)).ExecuteAsync(MessageParser.Parse(message, MessageMode.Execute), CancellationToken.None);

    [Fact]
    public async Task An_assigned_task_deploys_staging_and_hands_over_to_qa()
    {
        var runner = ProtocolFakes.HealthyServer();

        var report = await ExecuteAsync("DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging", runner);

        Assert.Equal((ReportOutcome.Succeeded, ExitCodes.Success, "deploy", "staging", "TASK-045"), (report.Outcome, report.ExitCode, report.Action, report.Environment, report.Task));
        Assert.Equal(new ReportRelease("staging", "111111111111", ProtocolFakes.Commit, ProtocolFakes.Previous), report.Release);
        Assert.Equal("QA: validate TASK-045 on staging", report.NextStep);
        Assert.Contains(report.Steps, s => s.Name == "build" && s.Outcome == "succeeded");
        Assert.Contains(report.Health, h => h.Name.StartsWith("frontend", StringComparison.Ordinal) && h.Verdict == "passed");
        Assert.Contains(runner.Commands, c => c.Text.Contains("docker compose -p shop-staging -f docker-compose.prod.yml up -d", StringComparison.Ordinal));
        Assert.Equal(DeployOutcome.Succeeded, Assert.Single(_history.Saved).Outcome);
        AssertValidAgainstSchema(report);
    }

    [Theory]
    [InlineData("DevOps Agent [EXECUTE TASK-047]: Deploy feature to staging", "TASK-047 is assigned to Frontend Agent, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("DevOps Agent [EXECUTE TASK-099]: Deploy feature to staging", "TASK-099 is not in the project state (project-state.yml); nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("DevOps Agent [EXECUTE TASK-048]: restart staging", "TASK-048 is done; DevOps Agent works on assigned or in_progress tasks only. Nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("DevOps Agent [EXECUTE TASK-045]: Deploy feature to production", "TASK-045 targets staging, not production; nothing was done. Did you mean \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging\"?")]
    public async Task Unassigned_work_is_refused_recorded_and_nothing_is_touched(string message, string reason)
    {
        var runner = ProtocolFakes.HealthyServer();

        var report = await ExecuteAsync(message, runner);

        Assert.Equal((ReportOutcome.Refused, ExitCodes.Refused, reason), (report.Outcome, report.ExitCode, report.Reason));
        Assert.Empty(runner.Commands);
        var record = Assert.Single(_history.Saved);
        Assert.Equal((DeployOutcome.Refused, reason), (record.Outcome, record.Error));
        Assert.StartsWith("Orchestrator: check", report.NextStep, StringComparison.Ordinal);
        AssertValidAgainstSchema(report);
    }

    [Fact]
    public async Task A_production_deploy_without_qa_approval_is_refused_by_the_preflight()
    {
        var state = TaskGateTests.StateYaml.Replace("qa_status: approved", "qa_status: pending", StringComparison.Ordinal);
        var runner = ProtocolFakes.HealthyServer();

        var report = await ExecuteAsync("DevOps Agent [EXECUTE TASK-046]: Deploy v1.1.0 to production", runner, state);

        Assert.Equal((ReportOutcome.Refused, ExitCodes.Refused), (report.Outcome, report.ExitCode));
        Assert.StartsWith("refused by the pre-flight checklist: QA approved: no QA approval recorded", report.Reason, StringComparison.Ordinal);
        Assert.Contains(new ReportPreflightItem("QA approved", false, "no QA approval recorded (--qa-approved-by, or the task's QA status)"), report.Preflight);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains(" up -d", StringComparison.Ordinal));
        AssertValidAgainstSchema(report);
    }

    [Fact]
    public async Task A_qa_approved_production_deploy_ships_the_tasks_tag_and_asks_for_monitoring()
    {
        await _history.SaveAsync(new DeployRecord
        {
            Id = "staging-run", Environment = "staging", Ref = "v1.1.0", Commit = ProtocolFakes.Commit, Version = "v1.1.0", StartedBy = "ci",
            StartedAt = DateTimeOffset.UtcNow.AddHours(-1), Outcome = DeployOutcome.Succeeded,
        }, CancellationToken.None);
        var serving = new ServerRelease("production", "v1.0.0", ProtocolFakes.Previous, "v1.0.0", DateTimeOffset.UtcNow.AddDays(-3), "ci", null, "x");
        var runner = new Execution.RecordingCommandRunner().Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput: System.Text.Json.JsonSerializer.Serialize(serving,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })).AppendRulesFrom(ProtocolFakes.HealthyServer(tag: "v1.1.0\n"));

        var report = await ExecuteAsync("DevOps Agent [EXECUTE TASK-046]: Deploy feature to production", runner);

        Assert.Equal((ReportOutcome.Succeeded, "v1.1.0"), (report.Outcome, report.Release?.Version));
        Assert.Contains(runner.Commands, c => c.Text.Contains("refs/tags/v1.1.0", StringComparison.Ordinal));
        Assert.StartsWith("Monitor production", report.NextStep, StringComparison.Ordinal);
        Assert.Equal(["QA approved", "staging tested", "migrations tested", "rollback plan"], report.Preflight.Select(i => i.Name));
        Assert.All(report.Preflight, i => Assert.True(i.Passed, i.Reason));
        Assert.Equal("approved by QA Agent", report.Preflight[0].Reason);
        AssertValidAgainstSchema(report);
    }

    [Fact]
    public async Task Without_a_project_state_every_execute_is_refused()
    {
        var report = await ExecuteAsync("[EXECUTE TASK-045]: deploy feature to staging", ProtocolFakes.HealthyServer(), state: null);

        Assert.Equal(ReportOutcome.Refused, report.Outcome);
        Assert.Contains("no project state is configured", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_build_reports_failed_with_the_failing_step_and_its_exit_code()
    {
        var runner = new Execution.RecordingCommandRunner().Answer(" build", exitCode: 1, standardError: "boom").AppendRulesFrom(ProtocolFakes.HealthyServer());

        var report = await ExecuteAsync("[EXECUTE TASK-045]: deploy feature to staging", runner);

        Assert.Equal((ReportOutcome.Failed, ExitCodes.CommandFailed), (report.Outcome, report.ExitCode));
        Assert.Contains("boom", report.Reason, StringComparison.Ordinal);
        Assert.Equal("failed", report.Steps.Single(s => s.Name == "build").Outcome);
        Assert.StartsWith("Investigate: `devops-agent logs staging`", report.NextStep, StringComparison.Ordinal);
        AssertValidAgainstSchema(report);
    }

    [Fact]
    public async Task A_restart_of_one_service_restarts_it_and_verifies_health()
    {
        var runner = ProtocolFakes.HealthyServer();

        var report = await ExecuteAsync("[EXECUTE TASK-045]: restart backend on staging", runner);

        Assert.Equal(ReportOutcome.Succeeded, report.Outcome);
        Assert.Contains(runner.Commands, c => c.Text == "cd /var/www/shop && flock . docker compose -p shop-staging -f docker-compose.prod.yml restart backend");
        Assert.Equal(["lock", "detect compose", "restart", "health"], report.Steps.Select(s => s.Name));
        AssertValidAgainstSchema(report);
    }

    [Fact]
    public async Task The_human_report_leads_with_the_outcome_and_ends_with_the_next_step()
    {
        var report = await ExecuteAsync("DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging", ProtocolFakes.HealthyServer());

        var lines = ReportText.Render(report).Split('\n');

        Assert.StartsWith("TASK-045 deploy on staging: SUCCEEDED (", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(") — Item descriptions", lines[0], StringComparison.Ordinal);
        Assert.Contains("  Release:    111111111111 (111111111111), was 222222222222", lines);
        Assert.Equal("  Next:       QA: validate TASK-045 on staging", lines[^1]);
    }
}
