using System.CommandLine;
using DevOpsAgent.Cli.Commands;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// What the MCP tools share: the options the server was started with, turned into the same protocol services
/// the CLI uses, per call (so an edited project state or config is seen), and the deployments this server runs.
/// </summary>
public sealed class McpAgent(ParseResult parseResult)
{
    public Deployments Deployments { get; } = new();

    public ProtocolContext Context(IDeployObserver? observer = null) => ProtocolServices.Create(parseResult, observer ?? SilentObserver.Instance);

    public AgentServices Services() => new(parseResult);

    public string ConfigDirectory => ProtocolServices.ConfigDirectory(parseResult);

    /// <summary>The application's directory, the only one the check tool examines: --project-dir, else the folder of devops-agent.yml.</summary>
    public string ProjectDirectory => ProtocolServices.ProjectDirectoryOf(parseResult);

    public string? HistoryPath => AgentServices.HistoryPath(parseResult);

    /// <summary>EXECUTE of a typed instruction: Layer 2, pre-flight, the report delivered like the CLI's.</summary>
    public async Task<ExecutionReport> ExecuteAsync(string taskId, Instruction instruction, IDeployObserver observer, CancellationToken cancellationToken)
    {
        var context = Context(observer);
        var message = new AgentMessage(MessageMode.Execute, taskId, instruction.Describe());
        var report = await new ProtocolExecutor(context).ExecuteAsync(message, instruction, cancellationToken);
        using var http = new HttpClient();
        await new ReportPublisher(http, line => Console.Error.WriteLine(line))
            .PublishAsync(report, context.Config.Orchestrator, ConfigDirectory, CancellationToken.None);
        return report;
    }

    /// <summary>
    /// The deploy's plan, as `deploy --dry-run` makes it: Layer 2 first (a refusal is thrown, not recorded), then the
    /// deploy worker against a recording backend; nothing connects, nothing is recorded.
    /// </summary>
    public async Task<(DeployResult Result, DeployPlan Plan)> PlanAsync(string taskId, DeployInstruction deploy, CancellationToken cancellationToken)
    {
        var context = Context();
        var task = TaskGate.Authorize(context.LoadState(), context.StateSource, taskId, deploy);
        var environment = context.Config.Environment(deploy.Environment);
        var request = new DeployRequest(environment, deploy.Ref ?? task.Ref ?? environment.DefaultRef, context.Actor)
        {
            TaskId = task.Id,
            QaApprovedBy = QaApproval.FromTask(task, context.StateSource).ApprovedBy,
            QualityGate = context.QualityGate,
            DryRun = true,
        };
        var recorder = new RecordingCommandRunner($"{environment.User}@{environment.Server}:{environment.Port} (dry run)")
            .Answer("docker compose version", standardOutput: "v2\n")
            .Answer("alembic heads", standardOutput: "<head>\n")
            .Answer("if mkdir", standardOutput: "acquired\n");
        var result = await new DeployWorker(context.Config, recorder, NoDeployHistory.Instance, SilentObserver.Instance, TimeProvider.System).DeployAsync(request, cancellationToken);
        return (result, new DeployPlan(recorder.Target, [.. recorder.Commands.Select(c => c.Text)]));
    }
}
