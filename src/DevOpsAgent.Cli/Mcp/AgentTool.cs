using System.Text.Json;
using System.Text.Json.Nodes;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Secrets;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>What a tool call returns: the structured document (matching the tool's output schema), a short text, and whether it failed.</summary>
public sealed record ToolOutcome(JsonNode? Structured, string Text, bool IsError)
{
    public static ToolOutcome Of(object document, string text, bool isError = false) =>
        new(JsonSerializer.SerializeToNode(document, ExecutionReport.Json), text, isError);
}

/// <summary>One call: the request (its server, for progress and elicitation) and the validated arguments.</summary>
public sealed record ToolCall(RequestContext<CallToolRequestParams>? Request, ToolArguments Arguments)
{
    public McpServer Server => Request?.Server ?? throw new InvalidOperationException("This call came from no MCP request.");

    public ProgressToken? ProgressToken => Request?.Params?.ProgressToken;
}

/// <summary>
/// A tool whose input schema, output schema and argument checks come from one declaration, instead of the SDK's
/// reflection binding, whose missing or wrong-typed arguments surfaced only as "An error occurred invoking …".
/// Every failure becomes an isError result whose one line says what was wrong and what to send (or do) instead;
/// every text and document passes the redactor.
/// </summary>
public abstract class AgentTool : McpServerTool
{
    private readonly string? _historyPath;

    protected AgentTool(McpAgent agent, string name, string title, string description, ToolAnnotations annotations, IReadOnlyList<ToolParameter> parameters, JsonObject outputSchema)
    {
        Agent = agent;
        Parameters = parameters;
        _historyPath = agent.HistoryPath;
        annotations.Title = title;
        ProtocolTool = new Tool
        {
            Name = name,
            Title = title,
            Description = description,
            Annotations = annotations,
            InputSchema = JsonSerializer.SerializeToElement(ToolParameter.InputSchema(parameters)),
            OutputSchema = JsonSerializer.SerializeToElement(outputSchema),
        };
    }

    protected McpAgent Agent { get; }

    public IReadOnlyList<ToolParameter> Parameters { get; }

    public string Name => ProtocolTool.Name;

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata => [];

    protected ToolParameter Parameter(string name) => Parameters.Single(p => p.Name == name);

    public static ToolAnnotations ReadOnly(bool openWorld) =>
        new() { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = openWorld };

    public static ToolAnnotations Destructive() =>
        new() { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = false, OpenWorldHint = true };

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken) =>
        ToResult(await CallAsync(request, request.Params?.Arguments, cancellationToken));

    /// <summary>The tool without a request (no progress, no elicitation): for callers in this process.</summary>
    public Task<ToolOutcome> CallAsync(object? arguments, CancellationToken cancellationToken) =>
        CallAsync(null, arguments is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(arguments)), cancellationToken);

    private async Task<ToolOutcome> CallAsync(RequestContext<CallToolRequestParams>? request, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(new ToolCall(request, ToolArguments.Validate(Name, Parameters, arguments)), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failure(error, _historyPath);
        }
    }

    protected abstract Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken);

    /// <summary>The CLI's one line and exit code for a failure, its advice said for an MCP client.</summary>
    public static ToolOutcome Failure(Exception error, string? historyPath)
    {
        var mapped = ErrorBoundary.Map(error, historyPath);
        return new ToolOutcome(null, $"{McpAdvice.Rewrite(mapped.Message)} (exit code {mapped.ExitCode}, {mapped.Kind})", IsError: true);
    }

    private static CallToolResult ToResult(ToolOutcome outcome)
    {
        var result = new CallToolResult
        {
            Content = [new TextContentBlock { Text = Redaction.Redact(outcome.Text) }],
            IsError = outcome.IsError,
        };
        if (outcome.Structured is { } document)
        {
            result.StructuredContent = JsonDocument.Parse(Redaction.Redact(document.ToJsonString(ExecutionReport.Json))).RootElement.Clone();
        }

        return result;
    }
}
