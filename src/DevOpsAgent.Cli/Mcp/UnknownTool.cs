using DevOpsAgent.Core.Errors;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// A call of a tool this server does not serve answers with the tools it does (the SDK's own answer is a bare
/// "Unknown tool"), and for a destructive tool, that the server must be started with --allow-destructive.
/// </summary>
public static class UnknownTool
{
    private static readonly string[] Destructive = ["execute", "deploy", "rollback", "deployment_status", "cancel_deployment"];

    public static CallToolResult? Answer(string? name, IReadOnlyList<AgentTool> tools, bool destructive)
    {
        if (name is not null && tools.Any(t => t.Name == name))
        {
            return null;
        }

        var served = string.Join(", ", tools.Select(t => t.Name));
        var text = name is not null && !destructive && Destructive.Contains(name)
            ? $"{name} is not served: this server was started without --allow-destructive, so it only answers questions (tools: {served}). "
                + "An operator enables deploys by starting it with --allow-destructive. (exit code 9, Refused)"
            : $"no tool '{InputText.Quote(name ?? "")}': this server serves {served}. (exit code 2, Usage)";
        return new CallToolResult { Content = [new TextContentBlock { Text = text }], IsError = true };
    }
}
