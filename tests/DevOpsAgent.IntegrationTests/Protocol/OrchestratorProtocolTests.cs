using System.Text.Json;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.IntegrationTests.Protocol;

/// <summary>
/// The Orchestrator's messages on the real test bed, on a stack of the tests' own (<see cref="ProtocolStack"/>):
/// refusals touch nothing, an assigned task deploys and reports, consultations answer from what really happened.
/// </summary>
public sealed class OrchestratorProtocolTests
{
    private const string ProjectState = """
        tasks:
          - id: TASK-045
            title: Item descriptions
            assignee: DevOps Agent
            status: assigned
            environment: staging
            ref: staging
          - id: TASK-046
            title: Release 1.1 to production
            assignee: DevOps Agent
            status: in_progress
            environment: production
            ref: v1.1.0
            qa_status: approved
            qa_approved_by: QA Agent
          - id: TASK-047
            title: Login page
            assignee: Frontend Agent
            status: in_progress
            environment: staging
        """;

    private static CancellationToken Minutes(int n) => new CancellationTokenSource(TimeSpan.FromMinutes(n)).Token;

    [Fact]
    public async Task The_orchestrator_refuses_unassigned_work_deploys_an_assigned_task_and_gets_true_answers()
    {
        await using var stack = new ProtocolStack();
        await stack.SetUpAsync(ProjectState, Minutes(2));
        var cli = stack.Cli;
        var examples = Path.GetDirectoryName(AgentCli.ExampleConfig)!;
        // The stack deploys the reference application, so its files are what `check` looks at before each deploy.
        Task<(int ExitCode, string Out, string Error)> Run(params string[] args) =>
            cli.RunAsync([.. args, "--config", stack.ConfigPath, .. args.Contains("--project-dir") ? Array.Empty<string>() : ["--project-dir", examples]]);

        // Layer 2: a task assigned to another agent is refused, recorded, and nothing on the server changes.
        var refused = await Run("execute", "DevOps Agent [EXECUTE TASK-047]: Deploy feature to staging", "--json");
        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.Out + refused.Error);
        Assert.Contains("TASK-047 is assigned to Frontend Agent, not to DevOps Agent", refused.Out, StringComparison.Ordinal);
        Assert.Equal(".env", (await stack.RunOnServerAsync("staging", $"ls -A {ProtocolStack.AppPath}", Minutes(1))).Trim());
        Assert.Equal("", (await stack.RunOnServerAsync("staging", "docker ps -aq --filter label=com.docker.compose.project=protocol-it-staging", Minutes(1))).Trim());

        // An assigned task deploys staging and reports, with the seed's hand-over to QA.
        var deployed = await Run("DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging", "--json");
        Assert.True(deployed.ExitCode == ExitCodes.Success, deployed.Out + deployed.Error);
        using (var report = JsonDocument.Parse(deployed.Out))
        {
            var root = report.RootElement;
            Assert.Equal(("succeeded", "v1.1.0", "QA: validate TASK-045 on staging"),
                (root.GetProperty("outcome").GetString(), root.GetProperty("release").GetProperty("version").GetString(), root.GetProperty("next_step").GetString()));
            Assert.True(root.GetProperty("migrations").GetProperty("checked").GetBoolean());
            Assert.Contains(root.GetProperty("health").EnumerateArray(), h => h.GetProperty("name").GetString()!.StartsWith("http", StringComparison.Ordinal)
                && h.GetProperty("verdict").GetString() == "passed");
        }

        Assert.Single(Directory.GetFiles(Path.Combine(stack.Root, "reports"), "*-TASK-045-deploy-staging.json"));

        var status = await Run("consult", "DevOps Agent [CONSULT]: staging status");
        Assert.Equal("staging: All services running, healthy. Serving v1.1.0.", status.Out.Trim());
        var migrations = await Run("DevOps Agent [CONSULT]: migration status staging");
        Assert.Matches(@"^staging: database at \S+, no migrations pending$", migrations.Out.Trim());

        // Production: the task's QA approval reaches the pre-flight; a first production deploy has no rollback plan, so it is refused.
        var production = await Run("execute", "DevOps Agent [EXECUTE TASK-046]: Deploy v1.1.0 to production", "--json");
        Assert.True(production.ExitCode == ExitCodes.Refused, production.Out + production.Error);
        using (var report = JsonDocument.Parse(production.Out))
        {
            var items = report.RootElement.GetProperty("preflight").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("passed").GetBoolean());
            Assert.Equal(new Dictionary<string, bool> { ["QA approved"] = true, ["staging tested"] = true, ["migrations tested"] = true, ["rollback plan"] = false }, items);
        }

        // The operator overrides for the first release; then the consultations tell the truth about both servers.
        var first = await Run("deploy", "production", "--qa-approved-by", "QA Agent", "--override-preflight", "first production release", "--task", "TASK-046");
        Assert.True(first.ExitCode == ExitCodes.Success, first.Out + first.Error);
        var last = await Run("DevOps Agent [CONSULT]: last production deploy");
        Assert.Matches(@"^v1\.1\.0, (just now|\d+ minutes? ago), all healthy, TASK-046$", last.Out.Trim());
        var where = await Run("consult", "what is deployed where?");
        Assert.Matches(@"^staging: v1\.1\.0 \([0-9a-f]{12}\), (just now|\d+ minutes? ago), TASK-045\nproduction: v1\.1\.0 \([0-9a-f]{12}\), (just now|\d+ minutes? ago), TASK-046$", where.Out.Trim());

        // A rollback with nothing to go back to fails with the reason and leaves production serving.
        var rollback = await Run("execute", "DevOps Agent [EXECUTE TASK-046]: rollback production", "--json");
        Assert.True(rollback.ExitCode == ExitCodes.InvalidInput, rollback.Out + rollback.Error);
        Assert.Contains("production has no earlier release recorded on the server to roll back to", rollback.Out, StringComparison.Ordinal);
        Assert.Equal("production: All services running, healthy. Serving v1.1.0.", (await Run("consult", "production status")).Out.Trim());

        var required = await Run("consult", "DevOps Agent [CONSULT]: required environment variables", "--project-dir", examples);
        Assert.True(required.ExitCode == 0, required.Error);
        Assert.Contains("SECRET_KEY", required.Out.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("staging: all required variables are set", required.Out, StringComparison.Ordinal);
        Assert.Contains("production: all required variables are set", required.Out, StringComparison.Ordinal);
        var logs = await Run("consult", "logs staging backend", "--json");
        Assert.True(logs.ExitCode == 0, logs.Error);

        foreach (var output in new[] { refused, deployed, status, migrations, production, first, last, where, rollback, required, logs })
        {
            Assert.DoesNotContain(stack.Canary, output.Out + output.Error, StringComparison.Ordinal);
        }

        Assert.All(Directory.GetFiles(Path.Combine(stack.Root, "reports")), f => Assert.DoesNotContain(stack.Canary, File.ReadAllText(f), StringComparison.Ordinal));
    }
}
