using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// Past operations, newest first. A full record is ~2 KB (steps, health, pre-flight); a summary is what an
/// orchestrator needs to choose, and detail: true gives the records.
/// </summary>
public sealed class HistoryTool(McpAgent agent) : AgentTool(agent, "history", "Deploy history",
    "Past deploys, rollbacks, restarts and refusals recorded on this machine, newest first: by default one summary per record "
    + "(id, action, environment, version, outcome, when, duration, the error's first line); detail: true for the full records.",
    ReadOnly(openWorld: false),
    [
        ToolParameter.Environment("Only this environment (all when omitted).") with { Required = false },
        new ToolParameter("limit", ParameterType.Integer, "At most this many records (1-200, default 20).") { Send = "an integer from 1 to 200", Minimum = 1, Maximum = 200 },
        new ToolParameter("detail", ParameterType.Boolean, "true: the full records (steps, health, pre-flight); default false: summaries.") { Send = "true or false" },
    ],
    OutputSchemas.History())
{
    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var name = call.Arguments.OptionalString("environment") is { } environment ? ReadOnlyTools.Environment(Agent, Name, Parameter("environment"), environment) : null;
        var detail = call.Arguments.OptionalBool("detail") ?? false;
        var records = await Agent.Services().History().ListAsync(name, call.Arguments.Int("limit", 20), cancellationToken);
        var lines = records.Select(r => $"{r.StartedAt:yyyy-MM-dd HH:mm} {r.Action} {r.Environment} {r.Version ?? r.Ref}: {Outcome(r.Outcome)}");
        var text = records.Count == 0 ? "no records" : string.Join('\n', lines);
        return detail
            ? ToolOutcome.Of(new { detail, records }, text)
            : ToolOutcome.Of(new { detail, records = records.Select(Summary) }, text);
    }

    public static object Summary(DeployRecord r) => new
    {
        id = r.Id,
        action = r.Action,
        environment = r.Environment,
        version = r.Version ?? r.Ref,
        outcome = Outcome(r.Outcome),
        started_at = r.StartedAt,
        duration_ms = r.Duration is { } d ? (long?)d.TotalMilliseconds : null,
        task = r.TaskId,
        error = r.Error is { } e ? InputText.OneLine(e.Split('\n')[0]) : null,
    };

    private static string Outcome(DeployOutcome outcome) => outcome switch
    {
        DeployOutcome.RolledBack => "rolled_back",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
