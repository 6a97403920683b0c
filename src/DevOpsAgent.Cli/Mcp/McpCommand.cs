using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// <c>devops-agent mcp</c>: a Model Context Protocol server over stdio for LLM orchestrators. Read-only tools
/// always; deploy, rollback and execute only with --allow-destructive. stdout carries the protocol, so every
/// log line goes to stderr.
/// </summary>
public static class McpCommand
{
    public static Command Create(CliConsole console)
    {
        var allowDestructive = new Option<bool>("--allow-destructive")
        {
            Description = "Also expose execute, deploy and rollback (they still need a task assigned to DevOps Agent, and production's pre-flight).",
        };
        var command = new Command("mcp", "Serve the agent's tools over MCP (stdio): consult, status, history, check, migrations; execute/deploy/rollback with --allow-destructive.")
        {
            allowDestructive, Commands.ProtocolServices.ProjectDirectory,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var builder = Host.CreateEmptyApplicationBuilder(settings: null);
            builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(parseResult.GetValue(CliApp.Verbose) ? LogLevel.Debug : LogLevel.Warning);
            var agent = new McpAgent(parseResult);
            var destructive = parseResult.GetValue(allowDestructive);
            IReadOnlyList<AgentTool> tools = destructive ? [.. ReadOnlyTools.Create(agent), .. DestructiveTools.Create(agent)] : ReadOnlyTools.Create(agent);
            builder.Services
                .AddMcpServer(options =>
                {
                    // No ProtocolVersion here: the SDK negotiates the newest revision both sides support.
                    options.ServerInfo = new Implementation { Name = "devops-agent", Version = typeof(McpCommand).Assembly.GetName().Version?.ToString(3) ?? "0" };
                    options.ServerInstructions = "DevOps Agent deploys docker-compose stacks over SSH for the Orchestrator. Ask with `consult`, `status`, "
                        + "`migrations`, `history`, `check`; changes go through `deploy`, `rollback` and `execute` (tasks assigned to DevOps Agent) when enabled. "
                        + "Those answer with a deployment_id: without a progress token (or with wait: false) at once, then poll `deployment_status`.";
                })
                .WithStdioServerTransport()
                .WithTools(tools)
                .WithRequestFilters(filters => filters.AddCallToolFilter(next => (request, ct) =>
                    UnknownTool.Answer(request.Params?.Name, tools, destructive) is { } unknown ? ValueTask.FromResult(unknown) : next(request, ct)));

            await console.Error.WriteLineAsync($"devops-agent mcp: serving on stdio ({(destructive ? "destructive tools ENABLED" : "read-only tools only")})");
            try
            {
                await builder.Build().RunAsync(cancellationToken);
            }
            finally
            {
                // A client gone (or a signal) while deployments run: each is cancelled and ends at a known release.
                await agent.Deployments.StopAsync();
            }

            return 0;
        });
        return command;
    }
}
