using System.CommandLine;
using System.Text.Json;
using DevOpsAgent.Cli.Commands;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Protocol;
using ModelContextProtocol;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// What the MCP tools share: the options the server was started with, turned into the same protocol services
/// the CLI uses, per call (so an edited project state or config is seen). Every result passes the redactor.
/// </summary>
public sealed class McpAgent(ParseResult parseResult)
{
    public ProtocolContext Context() => ProtocolServices.Create(parseResult, SilentObserver.Instance);

    public AgentServices Services() => new(parseResult);

    public string ConfigDirectory => ProtocolServices.ConfigDirectory(parseResult);

    /// <summary>Runs a tool body: user errors become MCP tool errors with their one line; results are JSON, redacted.</summary>
    public static async Task<string> RunAsync(Func<Task<object>> body)
    {
        try
        {
            var result = await body();
            return Redaction.Redact(result as string ?? JsonSerializer.Serialize(result, ExecutionReport.Json));
        }
        catch (DevOpsAgentException error)
        {
            throw new McpException($"{Redaction.Redact(error.Message)} (exit code {error.ExitCode})");
        }
    }

    /// <summary>EXECUTE through the protocol: Layer 2, pre-flight, the report delivered like the CLI's.</summary>
    public async Task<ExecutionReport> ExecuteAsync(string message, CancellationToken cancellationToken)
    {
        var parsed = MessageParser.Parse(message, MessageMode.Execute);
        var context = Context();
        var report = await new ProtocolExecutor(context).ExecuteAsync(parsed, cancellationToken);
        using var http = new HttpClient();
        await new ReportPublisher(http, line => Console.Error.WriteLine(line))
            .PublishAsync(report, context.Config.Orchestrator, ConfigDirectory, CancellationToken.None);
        return report;
    }
}
