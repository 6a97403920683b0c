using System.Text.Json.Nodes;

namespace DevOpsAgent.Cli.Mcp;

public enum ParameterType
{
    String,
    Boolean,
    Integer,
}

/// <summary>
/// One argument of a tool: its input-schema entry and, for errors, what to send (<see cref="Send"/>, e.g.
/// "the Orchestrator's task id, e.g. TASK-045"). The schema and the validation come from the same record.
/// </summary>
public sealed record ToolParameter(string Name, ParameterType Type, string Description)
{
    public bool Required { get; init; }

    /// <summary>What a caller should send, said in errors: "send {Send}".</summary>
    public required string Send { get; init; }

    public int? Minimum { get; init; }

    public int? Maximum { get; init; }

    public int? MaxLength { get; init; }

    public static ToolParameter Environment(string description = "The environment, as devops-agent.yml names it, e.g. staging.") =>
        new("environment", ParameterType.String, description) { Required = true, Send = "a configured environment name, e.g. \"staging\"", MaxLength = 100 };

    public static readonly ToolParameter Task = new("task", ParameterType.String, "The Orchestrator's task id, e.g. TASK-045; it must be assigned to DevOps Agent in the project state.")
    {
        Required = true, Send = "the Orchestrator's task id, e.g. \"TASK-045\"", MaxLength = 30,
    };

    public static ToolParameter Wait(string what) => new("wait", ParameterType.Boolean,
        $"true: answer when the {what} has finished (progress is reported per step against the request's progress token); false: answer at once with a "
        + "deployment_id, then poll deployment_status. Default: true when the request carries a progress token, else false.")
    {
        Send = "true or false",
    };

    public static JsonObject InputSchema(IEnumerable<ToolParameter> parameters)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in parameters)
        {
            var schema = new JsonObject
            {
                ["type"] = p.Type switch { ParameterType.String => "string", ParameterType.Boolean => "boolean", _ => "integer" },
                ["description"] = p.Description,
            };
            if (p.Minimum is { } min)
            {
                schema["minimum"] = min;
            }

            if (p.Maximum is { } max)
            {
                schema["maximum"] = max;
            }

            if (p.Type == ParameterType.String)
            {
                schema["minLength"] = 1;
                if (p.MaxLength is { } length)
                {
                    schema["maxLength"] = length;
                }
            }

            properties[p.Name] = schema;
            if (p.Required)
            {
                required.Add(p.Name);
            }
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }
}
