using System.Text.Json;
using Json.Schema;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>
/// What an LLM orchestrator sees of the tools: schemas in and out, errors that say what to send instead, dry runs
/// and the confirmation of a production deploy; the built binary spoken to by the SDK's client.
/// </summary>
public sealed class McpToolTests : IDisposable
{
    private readonly McpTestServer _server = new();

    /// <summary>Bad calls, and what their error must say: the argument, and what to send.</summary>
    public static readonly (string Tool, string Arguments, string[] Says)[] BadCalls =
    [
        ("consult", "{}", ["argument 'question' is missing", "send a question"]),
        ("consult", """{"question": null}""", ["argument 'question' is null", "send a question"]),
        ("consult", """{"question": 42}""", ["argument 'question' must be a string, not the number 42", "send"]),
        ("consult", """{"question": "  "}""", ["argument 'question' is empty", "send"]),
        ("consult", """{"q": "staging status"}""", ["unknown argument 'q'", "takes only question"]),
        ("status", "{}", ["argument 'environment' is missing", "send a configured environment name"]),
        ("status", """{"environment": "nowhere"}""", ["argument 'environment'", "No environment 'nowhere'", "configured: staging, production", "send a configured environment name"]),
        ("status", """{"environment": ["staging"]}""", ["argument 'environment' must be a string, not an array"]),
        ("migrations", """{"environment": true}""", ["argument 'environment' must be a string, not the boolean true"]),
        ("history", """{"limit": "ten"}""", ["argument 'limit' must be an integer, not the string \"ten\"", "send an integer from 1 to 200"]),
        ("history", """{"limit": 0}""", ["argument 'limit' is 0, out of range", "send an integer from 1 to 200"]),
        ("history", """{"limit": 1.5}""", ["argument 'limit' must be an integer"]),
        ("history", """{"detail": "yes"}""", ["argument 'detail' must be a boolean", "send true or false"]),
        ("history", """{"environment": "prod"}""", ["argument 'environment'", "No environment 'prod'"]),
        ("check", """{"directory": "/etc"}""", ["argument 'directory'", "outside the project directory"]),
        ("deploy", "{}", ["argument 'task' is missing", "send the Orchestrator's task id"]),
        ("deploy", """{"task": "TASK-045"}""", ["argument 'environment' is missing"]),
        ("deploy", """{"task": "task 45", "environment": "staging"}""", ["argument 'task'", "Invalid task id", "TASK-045"]),
        ("deploy", """{"task": "TASK-045", "environment": "staging to v1.0.0"}""", ["argument 'environment'", "No environment 'staging to v1.0.0'"]),
        ("deploy", """{"task": "TASK-045", "environment": "staging", "ref": "v1.0.0; rm -rf /"}""", ["argument 'ref'", "send a branch, tag or commit name"]),
        ("deploy", """{"task": "TASK-045", "environment": "staging", "wait": "no"}""", ["argument 'wait' must be a boolean"]),
        ("deploy", """{"task": "TASK-045", "environment": "staging", "gitRef": "v1.0.0"}""", ["unknown argument 'gitRef'", "ref (optional)"]),
        ("deploy", """{"task": "TASK-046", "environment": "production"}""", ["needs confirmation", "send confirm: true"]),
        ("execute", """{"message": "DevOps Agent [EXECUTE TASK-046]: Deploy v1.1.0 to production"}""", ["needs confirmation", "send confirm: true"]),
        ("rollback", """{"task": "TASK-045", "environment": "staging to v1.0.0"}""", ["argument 'environment'", "No environment 'staging to v1.0.0'"]),
        ("rollback", """{"task": "TASK-045", "environment": "staging", "to": "v1 0"}""", ["argument 'to'", "send a release"]),
        ("execute", "{}", ["argument 'message' is missing", "send a message such as"]),
        ("execute", """{"message": 5}""", ["argument 'message' must be a string"]),
        ("execute", """{"message": "DevOps Agent [EXECUTE TASK-045]: deploy feature to staging", "dry_run": "true"}""", ["argument 'dry_run' must be a boolean"]),
        ("execute", """{"message": "DevOps Agent [EXECUTE TASK-045]: restart staging", "dry_run": true}""", ["dry_run is offered for deploys only"]),
        ("execute", """{"message": "DevOps Agent [CONSULT]: staging status"}""", ["the execute tool takes EXECUTE messages only", "CONSULT questions to consult"]),
        ("execute", """{"message": "DevOps Agent [EXECUTE TASK-045]: make coffee"}""", ["Not understood: 'make coffee'", "deploy [feature"]),
        ("deploy", """{"task": "TASK-045", "environment": "staging", "ref": "main", "wait": false}""", ["refused: TASK-045 ships staging, not main"]),
        ("deployment_status", "{}", ["argument 'deployment_id' is missing", "send the deployment_id"]),
        ("deployment_status", """{"deployment_id": "nope"}""", ["no deployment 'nope'", "history tool"]),
        ("deployment_status", """{"deployment_id": "x", "wait_seconds": 99}""", ["argument 'wait_seconds' is 99, out of range", "0 to 50"]),
        ("cancel_deployment", """{"deployment_id": 3}""", ["argument 'deployment_id' must be a string"]),
    ];

    [Fact]
    public async Task Every_tool_lists_an_input_schema_and_an_output_schema()
    {
        await using var client = await _server.StartAsync(null, "--allow-destructive");

        var tools = await client.ListToolsAsync();

        Assert.Equal(["cancel_deployment", "check", "consult", "deploy", "deployment_status", "execute", "history", "migrations", "rollback", "status"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t =>
        {
            var input = t.ProtocolTool.InputSchema;
            Assert.Equal("object", input.GetProperty("type").GetString());
            Assert.False(input.GetProperty("additionalProperties").GetBoolean());
            Assert.All(input.GetProperty("properties").EnumerateObject(), p => Assert.True(p.Value.TryGetProperty("description", out _), $"{t.Name}.{p.Name}"));
            Assert.Equal("object", t.ProtocolTool.OutputSchema!.Value.GetProperty("type").GetString());
        });
        var deploy = tools.Single(t => t.Name == "deploy").ProtocolTool;
        Assert.Equal(["task", "environment"], deploy.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["task", "environment", "ref", "wait", "dry_run", "confirm"], deploy.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var report = deploy.OutputSchema!.Value.GetProperty("properties").GetProperty("report").GetProperty("anyOf")[1];
        Assert.Equal("object", report.GetProperty("type").GetString());
        Assert.True(report.GetProperty("properties").TryGetProperty("schema_version", out _));
    }

    [Fact]
    public async Task Every_structured_result_matches_the_output_schema_its_tool_lists()
    {
        await using var client = await _server.StartAsync(null, "--allow-destructive", "--project-dir", RepoFiles.Path("examples/fullstack"));
        var schemas = (await client.ListToolsAsync()).ToDictionary(t => t.Name, t => JsonSchema.FromText(t.ProtocolTool.OutputSchema!.Value.GetRawText()));
        (string Tool, Dictionary<string, object?> Arguments)[] calls =
        [
            ("consult", new() { ["question"] = "required environment variables" }),
            ("check", new()),
            ("deploy", new() { ["task"] = "TASK-047", ["environment"] = "staging", ["wait"] = true }),
            ("deploy", new() { ["task"] = "TASK-046", ["environment"] = "production", ["dry_run"] = true }),
            ("history", new()),
            ("history", new() { ["detail"] = true, ["limit"] = 5 }),
        ];

        foreach (var (tool, arguments) in calls)
        {
            var document = McpTestServer.Structured(await client.CallToolAsync(tool, arguments));
            var result = schemas[tool].Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
            var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
            Assert.True(result.IsValid, $"{tool}: {string.Join("; ", errors)}\n{document}");
        }

        var history = McpTestServer.Structured(await client.CallToolAsync("history", new Dictionary<string, object?>()));
        Assert.Equal(("deploy", "refused"), (history.GetProperty("records")[0].GetProperty("action").GetString(), history.GetProperty("records")[0].GetProperty("outcome").GetString()));
        Assert.True(history.GetProperty("records")[0].GetRawText().Length < 400, history.GetProperty("records")[0].GetRawText());
    }

    [Fact]
    public async Task Every_bad_call_is_an_error_that_names_the_argument_and_what_to_send()
    {
        await using var client = await _server.StartAsync(null, "--allow-destructive");
        var wrong = new List<string>();

        foreach (var (tool, arguments, says) in BadCalls)
        {
            var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);
            var result = await client.CallToolAsync(tool, parsed);
            var text = McpTestServer.Text(result);
            if (result.IsError != true || says.Any(s => !text.Contains(s, StringComparison.Ordinal)) || text.Contains("An error occurred", StringComparison.Ordinal))
            {
                wrong.Add($"{tool} {arguments}: isError={result.IsError}, \"{text}\"");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.False(File.Exists(Path.Combine(_server.Root, "staging")), "a bad call reached the server");
    }

    [Fact]
    public async Task A_call_with_no_arguments_at_all_says_which_are_missing()
    {
        await using var client = await _server.StartAsync(null, "--allow-destructive");

        var result = await client.CallToolAsync("rollback", arguments: null);

        Assert.True(result.IsError);
        Assert.StartsWith("rollback: argument 'task' is missing: send the Orchestrator's task id, e.g. \"TASK-045\". (exit code 2, Usage)", McpTestServer.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_deploy_answers_with_the_plan_and_runs_and_records_nothing()
    {
        // The reference stack passes check, so the plan goes past the deploy's first step.
        await using var client = await _server.StartAsync(null, "--allow-destructive", "--project-dir", RepoFiles.Path("examples/fullstack"));

        var result = await client.CallToolAsync("deploy", new Dictionary<string, object?> { ["task"] = "TASK-046", ["environment"] = "production", ["dry_run"] = true });

        var plan = McpTestServer.Structured(result);
        var commands = plan.GetProperty("plan").GetProperty("commands").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.True(commands.Any(c => c.Contains("v1.1.0", StringComparison.Ordinal)), McpTestServer.Text(result));
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("deployment_id").ValueKind);
        Assert.False(result.IsError, McpTestServer.Text(result));
        Assert.Equal("planned", plan.GetProperty("outcome").GetString());
        Assert.Contains("nothing was run", McpTestServer.Text(result), StringComparison.Ordinal);
        var viaExecute = await client.CallToolAsync("execute", new Dictionary<string, object?>
        {
            ["message"] = "DevOps Agent [EXECUTE TASK-046]: Deploy v1.1.0 to production", ["dry_run"] = true,
        });
        // The same plan through execute (its journal writes carry ids that are new each run).
        var executed = McpTestServer.Structured(viaExecute).GetProperty("plan").GetProperty("commands").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(commands.Count, executed.Count);
        Assert.Contains(executed, c => c.Contains("v1.1.0", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_server.Root, "production")));
        var history = McpTestServer.Structured(await client.CallToolAsync("history", new Dictionary<string, object?>()));
        Assert.Equal(0, history.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task A_production_deploy_is_confirmed_by_elicitation_when_the_client_offers_it()
    {
        var asked = new List<string>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked.Add(request!.Message);
                    return ValueTask.FromResult(new ElicitResult { Action = "decline" });
                },
            },
        };
        await using var client = await _server.StartAsync(options, "--allow-destructive");

        var result = await client.CallToolAsync("deploy", new Dictionary<string, object?> { ["task"] = "TASK-046", ["environment"] = "production" });

        Assert.True(result.IsError);
        Assert.Contains("was not confirmed (the user answered decline); nothing was done (exit code 14, ConfirmationRequired)", McpTestServer.Text(result), StringComparison.Ordinal);
        Assert.Equal(["DevOps Agent is about to deploy the task's release to production (production). Confirm?"], asked);
        Assert.False(Directory.Exists(Path.Combine(_server.Root, "production")));
    }

    [Fact]
    public async Task A_production_deploy_the_user_accepts_goes_on_to_the_deploy_itself()
    {
        var asked = 0;
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) =>
                {
                    Interlocked.Increment(ref asked);
                    return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } });
                },
            },
        };
        await using var client = await _server.StartAsync(options, "--allow-destructive");

        // The project folder is no git repository, so the deploy's first step (check) refuses it: nothing reaches a server.
        var result = await client.CallToolAsync("execute", new Dictionary<string, object?> { ["message"] = "DevOps Agent [EXECUTE TASK-046]: Deploy v1.1.0 to production", ["wait"] = true });

        Assert.Equal(1, asked);
        var deployment = McpTestServer.Structured(result);
        Assert.Equal(("finished", "check"), (deployment.GetProperty("state").GetString(), deployment.GetProperty("report").GetProperty("steps")[0].GetProperty("name").GetString()));
        Assert.DoesNotContain("confirm", McpTestServer.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_newest_protocol_revision_is_negotiated_and_older_clients_are_still_served()
    {
        await using var newest = await _server.StartAsync();
        await using var older = await _server.StartAsync(new McpClientOptions { ProtocolVersion = "2025-06-18" });

        Assert.Equal("2026-07-28", newest.NegotiatedProtocolVersion);
        Assert.Equal("2025-06-18", older.NegotiatedProtocolVersion);
        Assert.NotEmpty(await older.ListToolsAsync());
    }

    public void Dispose() => _server.Dispose();
}
