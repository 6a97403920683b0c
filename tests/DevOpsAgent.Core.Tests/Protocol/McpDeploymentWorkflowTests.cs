using System.Globalization;
using DevOpsAgent.Cli.Mcp;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Protocol;
using ModelContextProtocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>
/// The server side of long operations without a test bed: a deployment run over the recording backend, its steps
/// forwarded as progress, its report kept for deployment_status; and report files that never overwrite each other.
/// </summary>
public sealed class McpDeploymentWorkflowTests : IDisposable
{
    private readonly MemoryHistory _history = new();
    private readonly string _reports = Directory.CreateTempSubdirectory("devops-agent-mcp-reports-").FullName;

    private sealed class Collected : IProgress<ProgressNotificationValue>
    {
        public List<ProgressNotificationValue> Values { get; } = [];

        public void Report(ProgressNotificationValue value)
        {
            lock (Values)
            {
                Values.Add(value);
            }
        }
    }

    private Deployment Start(Deployments deployments, Collected? progress = null) =>
        deployments.Start("deploy", new DeployInstruction("staging", RefSource.Task, null), "TASK-045",
            (observer, ct) => new ProtocolExecutor(ProtocolFakes.Context(ProtocolFakes.HealthyServer(), _history) with { Observer = observer })
                .ExecuteAsync(new AgentMessage(MessageMode.Execute, "TASK-045", "deploy the task's release to staging"), new DeployInstruction("staging", RefSource.Task, null), ct),
            historyPath: null, progress: progress);

    [Fact]
    public async Task A_waiting_caller_hears_every_step_start_and_finish_in_order()
    {
        var progress = new Collected();

        var deployment = Start(new Deployments(), progress);
        await deployment.Completion;

        var view = deployment.View();
        Assert.Equal(("finished", "succeeded"), (view.State, view.Outcome));
        var steps = view.Report!.Steps;
        Assert.Equal(1 + 2 * steps.Count, progress.Values.Count);
        Assert.Equal(Enumerable.Range(1, progress.Values.Count).Select(i => (float)i), progress.Values.Select(v => v.Progress));
        Assert.StartsWith($"deployment {deployment.Id} started", progress.Values[0].Message, StringComparison.Ordinal);
        Assert.All(steps, s => Assert.Contains(progress.Values, v => v.Message!.StartsWith($"{s.Name}: succeeded in ", StringComparison.Ordinal)));
        Assert.Equal(steps.Count, view.StepsDone);
    }

    [Fact]
    public async Task A_finished_deployment_is_found_by_its_id_with_its_report()
    {
        var deployments = new Deployments();

        var deployment = Start(deployments);
        await deployment.Completion;

        var found = deployments.Find(deployment.Id)!.View();
        Assert.Equal(("deploy", "staging", "TASK-045"), (found.Action, found.Environment, found.Task));
        Assert.Equal(ReportOutcome.Succeeded, found.Report!.Outcome);
        Assert.False(OperationTool.Result(found).IsError);
        Assert.Null(deployments.Find("20250101000000-staging-abcdef"));
    }

    [Fact]
    public async Task A_failed_operation_is_an_error_result_with_its_report_attached()
    {
        var deployments = new Deployments();
        var deployment = deployments.Start("rollback", new RollbackInstruction("staging", null), "TASK-047",
            (observer, ct) => new ProtocolExecutor(ProtocolFakes.Context(ProtocolFakes.HealthyServer(), _history) with { Observer = observer })
                .ExecuteAsync(new AgentMessage(MessageMode.Execute, "TASK-047", "roll back staging"), new RollbackInstruction("staging", null), ct), null);
        await deployment.Completion;

        var result = OperationTool.Result(deployment.View());

        Assert.True(result.IsError);
        Assert.Equal("refused", result.Structured!["report"]!["outcome"]!.GetValue<string>());
        Assert.StartsWith("rollback staging for TASK-047: refused: TASK-047 is assigned to Frontend Agent", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_advice_is_said_as_tools_and_arguments()
    {
        var locked = "staging (/var/www/shop on deploy@h:22) is locked: deploy of v1 by ci since 10:00. Wait for it (--lock-wait), or if that deploy is dead, `devops-agent lock release staging --force`";

        Assert.Equal("staging (/var/www/shop on deploy@h:22) is locked: deploy of v1 by ci since 10:00. Retry after the holder finishes (if this server started it, call "
            + "deployment_status with its deployment_id); a lock whose holder stopped beating is taken over once stale, and a lock that must be freed at once needs an "
            + "operator (`devops-agent lock release staging --force`)", McpAdvice.Rewrite(locked));
        Assert.Equal("fix the cause, then call the rollback tool (environment: \"production\") (it recovers to v1.0.0)",
            McpAdvice.Rewrite("fix the cause, then run `devops-agent rollback production` (it recovers to v1.0.0)"));
        Assert.Equal("Investigate: consult (question: \"logs staging\") and the status tool (environment: \"staging\"); then retry or roll back staging.",
            McpAdvice.Rewrite("Investigate: `devops-agent logs staging` and `devops-agent status staging`; then retry or roll back staging."));
    }

    [Fact]
    public async Task Two_reports_of_the_same_second_are_two_files()
    {
        var startedAt = DateTimeOffset.Parse("2026-01-02T03:04:05Z", CultureInfo.InvariantCulture);
        ExecutionReport Report(string reason) => new()
        {
            Message = "DevOps Agent [EXECUTE TASK-045]: status staging", Task = "TASK-045", Action = "status", Environment = "staging",
            Outcome = ReportOutcome.Succeeded, Reason = reason, StartedAt = startedAt, FinishedAt = startedAt, NextStep = "-", ExitCode = 0,
        };

        var paths = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => ReportPublisher.WriteAsync(Report($"r{i}"), _reports, CancellationToken.None)));

        Assert.Equal(3, paths.Distinct().Count());
        Assert.Equal(["20260102T030405Z-TASK-045-status-staging-2.json", "20260102T030405Z-TASK-045-status-staging-3.json", "20260102T030405Z-TASK-045-status-staging.json"],
            Directory.GetFiles(_reports).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["r1", "r2", "r3"], paths.Select(p => System.Text.Json.JsonDocument.Parse(File.ReadAllText(p)).RootElement.GetProperty("reason").GetString()).Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(_reports, recursive: true);
}
