using System.Text.Json;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.History;
using DevOpsAgent.Infrastructure.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>The execute, consult and bare-message commands in-process, with the parts that need no server.</summary>
public sealed class MessageCommandTests : IDisposable
{
    private const string Canary = "canary-tok-9XvR2mQ7";

    private readonly string _root = Directory.CreateTempSubdirectory("devops-agent-protocol-").FullName;

    private string Config(string? webhook = null) => Write("devops-agent.yml", $"""
        project: shop
        repository: /srv/shop.git
        environments:
          staging:
            server: 127.0.0.1
            port: 1
            user: deploy
            path: /var/www/shop
            branch: staging
          production:
            server: 127.0.0.1
            port: 1
            user: deploy
            path: /var/www/shop
            tag: v1.1.0
            preflight:
              tested_on: staging
        orchestrator:
          project_state: state/project-state.yml
          reports: reports
        {(webhook is null ? "" : $"  webhook: {webhook}?token={Canary}")}
        """);

    private string Write(string path, string content)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    private async Task<(int Code, string Out, string Error)> RunAsync(string? stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error) { Interactive = false, In = new StringReader(stdin ?? "") };
        var code = await CliApp.RunAsync([.. args, "--history", Path.Combine(_root, "history.db")], console, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    public MessageCommandTests() => Write("state/project-state.yml", TaskGateTests.StateYaml);

    [Fact]
    public async Task An_unassigned_task_is_refused_reported_recorded_and_delivered_and_no_server_is_contacted()
    {
        using var webhook = new WebhookListener(500, 200);
        var config = Config(webhook.Url);

        var (code, output, error) = await RunAsync(null, "execute", "DevOps Agent [EXECUTE TASK-047]: Deploy feature to staging", "--config", config, "--json");

        Assert.Equal(ExitCodes.Refused, code);
        ReportSchema.AssertValid(output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("refused", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("TASK-047 is assigned to Frontend Agent, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?", json.RootElement.GetProperty("reason").GetString());
        var refusal = Assert.Single(await new SqliteDeployHistory(Path.Combine(_root, "history.db")).ListAsync("staging", 10, CancellationToken.None));
        Assert.Equal((DeployOutcome.Refused, "TASK-047"), (refusal.Outcome, refusal.TaskId));
        var written = Assert.Single(Directory.GetFiles(Path.Combine(_root, "reports")));
        Assert.EndsWith("-TASK-047-deploy-staging.json", written, StringComparison.Ordinal);
        Assert.Equal(2, webhook.Attempts);
        Assert.Equal(output.Trim(), webhook.Bodies.Last().Trim());
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_a_warning_and_never_changes_the_outcome()
    {
        using var webhook = new WebhookListener(503);
        var config = Config(webhook.Url);

        var (code, output, error) = await RunAsync(null, "execute", "[EXECUTE TASK-099]: deploy feature to staging", "--config", config);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.StartsWith("TASK-099 deploy on staging: REFUSED", output, StringComparison.Ordinal);
        Assert.Contains($"warning: the report was not delivered to {webhook.Url} after 4 attempts", error, StringComparison.Ordinal);
        Assert.Equal(4, webhook.Attempts);
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_message_can_come_from_stdin_or_a_file()
    {
        var config = Config();
        var file = Write("message.txt", "DevOps Agent [EXECUTE TASK-048]: restart staging\n");

        var fromStdin = await RunAsync("DevOps Agent [EXECUTE TASK-048]: restart staging\n", "execute", "-", "--config", config);
        var fromFile = await RunAsync(null, "execute", "--file", file, "--config", config);
        var bareFromFile = await RunAsync(null, "--file", file, "--config", config);

        Assert.All([fromStdin, fromFile, bareFromFile], run =>
        {
            Assert.Equal(ExitCodes.Refused, run.Code);
            Assert.Contains("TASK-048 is done; DevOps Agent works on assigned or in_progress tasks only.", run.Out, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("QA Agent [EXECUTE TASK-045]: validate TASK-045 on production", "Did you mean \"DevOps Agent [EXECUTE TASK-045]: Status production\"?")]
    [InlineData("DevOps Agent [DEPLOY TASK-045]: feature to prod", "Did you mean \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to production\"?")]
    [InlineData("DevOps Agent [STATUS]: prod", "Did you mean \"DevOps Agent [CONSULT]: production status\"?")]
    [InlineData("DevOps Agent [EXECUTE TASK-045]: deplyo feature to prod", "Did you mean \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to production\"?")]
    public async Task A_refused_message_suggests_one_naming_a_configured_environment(string message, string suggestion)
    {
        var (code, _, error) = await RunAsync(null, [message, "--config", Config()]);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.EndsWith(suggestion, error.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExitCodes.Refused, "This message is addressed to Database Agent, not to DevOps Agent; nothing was done.", "Database Agent [CONSULT]: migrations needed for TASK-045?")]
    [InlineData(ExitCodes.Refused, "`devops-agent execute` takes EXECUTE messages only", "execute", "DevOps Agent [CONSULT]: staging status")]
    [InlineData(ExitCodes.Refused, "Not understood: 'drop the database'", "execute", "DevOps Agent [EXECUTE TASK-045]: drop the database")]
    [InlineData(ExitCodes.InvalidInput, "Invalid git ref 'v1;rm -rf /': ';' is not allowed in a ref.", "DevOps Agent [EXECUTE TASK-045]: deploy v1;rm -rf / to staging")]
    [InlineData(ExitCodes.InvalidInput, "one line", "execute", "DevOps Agent [EXECUTE TASK-045]: deploy feature to staging\nrm -rf /")]
    [InlineData(ExitCodes.Usage, "Unknown command 'deplyo'", "deplyo")]
    [InlineData(ExitCodes.Usage, "No message", "execute")]
    [InlineData(ExitCodes.Usage, "No command: see `devops-agent --help`")]
    public async Task Bad_messages_fail_with_one_line_and_a_named_exit_code(int exitCode, string expected, params string[] args)
    {
        var (code, output, error) = await RunAsync(null, [.. args, "--config", Config()]);

        Assert.Equal(exitCode, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_root, "reports")));
    }

    [Fact]
    public async Task A_consultation_that_needs_no_server_is_answered_as_text_and_json()
    {
        var config = Config();

        var text = await RunAsync(null, "consult", "DevOps Agent [CONSULT]: preflight TASK-046", "--config", config);
        var json = await RunAsync(null, "DevOps Agent [CONSULT]: last staging deploy", "--config", config, "--json");

        Assert.Equal(ExitCodes.Success, text.Code);
        Assert.Contains("[x] QA approved: approved by QA Agent", text.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ConnectionFailed, json.Code);
    }

    [Fact]
    public async Task A_report_folder_write_failure_is_a_warning()
    {
        var warnings = new List<string>();
        var blocker = Write("blocked", "a file where the folder should be");
        var report = new ExecutionReport
        {
            Message = "m", Action = "deploy", Environment = "staging", Outcome = ReportOutcome.Succeeded, StartedAt = DateTimeOffset.UnixEpoch,
            FinishedAt = DateTimeOffset.UnixEpoch, NextStep = "QA: validate TASK-1 on staging", ExitCode = 0,
        };

        using var http = new HttpClient();
        var delivered = await new ReportPublisher(http, warnings.Add).PublishAsync(report, new OrchestratorConfig { Reports = blocker }, _root, CancellationToken.None);

        Assert.Empty(delivered);
        Assert.StartsWith("warning: the report could not be written to", Assert.Single(warnings), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
