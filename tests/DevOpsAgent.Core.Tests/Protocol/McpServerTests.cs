using System.Text.Json;
using DevOpsAgent.Cli;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>
/// The built <c>devops-agent mcp</c> started as a child process and spoken to over stdio by the SDK's own
/// client. The environment is <c>server: local</c>, so no SSH server is needed.
/// </summary>
public sealed class McpServerTests : IDisposable
{
    private const string Canary = "canary-mcp-Vb81KqZt0w";

    private static readonly string[] ReadOnlyTools = ["check", "consult", "history", "migrations", "status"];

    private readonly string _root = Directory.CreateTempSubdirectory("devops-agent-mcp-").FullName;

    public McpServerTests()
    {
        Write("docker-compose.prod.yml", "services:\n  backend:\n    image: b\n    environment:\n      SECRET_KEY: ${SECRET_KEY}\n      DATABASE_URL: ${DATABASE_URL}\n");
        Write(".env.example", "SECRET_KEY=generate_random_value\nDATABASE_URL=postgresql://user:pass@db:5432/app\n");
        Write("server/.env", $"SECRET_KEY={Canary}\nDATABASE_URL=postgresql://shop:{Canary}@db:5432/shop\n");
        Write("project-state.yml", TaskGateTests.StateYaml);
        Write("devops-agent.yml", $"""
            project: shop
            repository: {_root}/origin.git
            compose_files: [docker-compose.prod.yml]
            environments:
              staging:
                server: local
                user: deploy
                path: {_root}/server
                branch: staging
            orchestrator:
              project_state: project-state.yml
            """);
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private async Task<McpClient> StartAsync(params string[] extra)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "devops-agent",
            Command = "dotnet",
            Arguments = [typeof(CliApp).Assembly.Location, "mcp", "--config", Path.Combine(_root, "devops-agent.yml"), "--history", Path.Combine(_root, "history.db"), .. extra],
            WorkingDirectory = _root,
        });
        return await McpClient.CreateAsync(transport);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    [Fact]
    public async Task Without_the_flag_only_truthfully_annotated_read_only_tools_are_served_and_execute_is_refused()
    {
        await using var client = await StartAsync();

        var tools = await client.ListToolsAsync();

        Assert.Equal(ReadOnlyTools, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t =>
        {
            var annotations = t.ProtocolTool.Annotations!;
            Assert.Equal((true, false, true), (annotations.ReadOnlyHint, annotations.DestructiveHint, annotations.IdempotentHint));
            Assert.Equal(t.Name is "consult" or "status" or "migrations", annotations.OpenWorldHint);
        });
        var refused = await client.CallToolAsync("execute", new Dictionary<string, object?> { ["message"] = "DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging" });
        Assert.True(refused.IsError);
        Assert.StartsWith("execute is not served: this server was started without --allow-destructive", Text(refused), StringComparison.Ordinal);
        var unknown = await client.CallToolAsync("deploi", new Dictionary<string, object?>());
        Assert.Equal("no tool 'deploi': this server serves consult, status, migrations, history, check. (exit code 2, Usage)", Text(unknown));
    }

    [Fact]
    public async Task Consult_answers_over_mcp_and_no_secret_value_reaches_any_tool_result()
    {
        await using var client = await StartAsync();

        var requiredResult = await client.CallToolAsync("consult", new Dictionary<string, object?> { ["question"] = "DevOps Agent [CONSULT]: required environment variables" });
        var required = requiredResult.StructuredContent!.Value.GetRawText();
        var last = Text(await client.CallToolAsync("consult", new Dictionary<string, object?> { ["question"] = "last staging deploy" }));
        var check = Text(await client.CallToolAsync("check", new Dictionary<string, object?>()));
        var history = Text(await client.CallToolAsync("history", new Dictionary<string, object?>()));

        var answer = requiredResult.StructuredContent!.Value;
        Assert.Equal("required_variables", answer.GetProperty("question").GetString());
        Assert.True(answer.GetProperty("answer").GetString()!.StartsWith("DATABASE_URL, SECRET_KEY\n", StringComparison.Ordinal), required);
        Assert.Equal(answer.GetProperty("answer").GetString(), Text(requiredResult));
        Assert.Contains("staging: all required variables are set", required, StringComparison.Ordinal);
        Assert.Contains("staging was never deployed by DevOps Agent.", last, StringComparison.Ordinal);
        Assert.All([required, Text(requiredResult), last, check, history], text => Assert.DoesNotContain(Canary, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_question_is_a_tool_error_with_its_one_line_reason()
    {
        await using var client = await StartAsync();

        var failure = await Record.ExceptionAsync(async () =>
        {
            var result = await client.CallToolAsync("consult", new Dictionary<string, object?> { ["question"] = "Database Agent [CONSULT]: schema?" });
            Assert.True(result.IsError);
            Assert.Contains("addressed to Database Agent", Text(result), StringComparison.Ordinal);
        });
        Assert.Null(failure);
    }

    [Fact]
    public async Task With_the_flag_destructive_tools_appear_annotated_and_still_go_through_layer_2()
    {
        await using var client = await StartAsync("--allow-destructive");

        var tools = await client.ListToolsAsync();
        var result = await client.CallToolAsync("deploy", new Dictionary<string, object?> { ["task"] = "TASK-047", ["environment"] = "staging" });

        string[] destructive = ["cancel_deployment", "deploy", "execute", "rollback"];
        Assert.Equal([.. ReadOnlyTools, .. destructive, "deployment_status"], tools.Select(t => t.Name).Order(StringComparer.Ordinal)
            .OrderBy(n => n == "deployment_status" ? 2 : destructive.Contains(n) ? 1 : 0));
        Assert.All(tools.Where(t => destructive.Contains(t.Name)), t =>
            Assert.Equal((false, true, false, true), (t.ProtocolTool.Annotations!.ReadOnlyHint, t.ProtocolTool.Annotations.DestructiveHint,
                t.ProtocolTool.Annotations.IdempotentHint, t.ProtocolTool.Annotations.OpenWorldHint)));
        Assert.True(result.IsError, "a refusal is not a success");
        var deployment = result.StructuredContent!.Value;
        Assert.Equal(("finished", "refused"), (deployment.GetProperty("state").GetString(), deployment.GetProperty("outcome").GetString()));
        var report = deployment.GetProperty("report");
        Assert.Equal("refused", report.GetProperty("outcome").GetString());
        Assert.Equal("TASK-047 is assigned to Frontend Agent, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?", report.GetProperty("reason").GetString());
        Assert.StartsWith("deploy staging for TASK-047: refused: TASK-047 is assigned to Frontend Agent", Text(result), StringComparison.Ordinal);
        ReportSchema.AssertValid(report.GetRawText());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
