using System.CommandLine;
using System.Text.Json;
using DevOpsAgent.Cli.Commands;
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

    /// <summary>The application's directory, the only one the check tool examines: --project-dir, else the folder of devops-agent.yml.</summary>
    public string ProjectDirectory => ProtocolServices.ProjectDirectoryOf(parseResult);

    public string HistoryPath => AgentServices.HistoryPath(parseResult);

    /// <summary>
    /// Runs a tool body: every failure goes through the CLI's <see cref="ErrorBoundary"/> and becomes an MCP tool
    /// error with the same one line and exit code the CLI would give; results are JSON, redacted.
    /// </summary>
    public static async Task<string> RunAsync(Func<Task<object>> body, string? historyPath = null)
    {
        try
        {
            var result = await body();
            return Redaction.Redact(result as string ?? JsonSerializer.Serialize(result, ExecutionReport.Json));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var mapped = ErrorBoundary.Map(error, historyPath);
            throw new McpException($"{mapped.Message} (exit code {mapped.ExitCode}, {mapped.Kind})");
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
