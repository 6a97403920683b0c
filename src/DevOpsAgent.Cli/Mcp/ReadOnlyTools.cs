using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Infrastructure.Compose;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>Tools that change nothing. OpenWorld where they reach the servers over SSH; history and check stay on this machine.</summary>
public static class ReadOnlyTools
{
    public static IReadOnlyList<AgentTool> Create(McpAgent agent) =>
        [new ConsultTool(agent), new StatusTool(agent), new MigrationsTool(agent), new HistoryTool(agent), new CheckTool(agent)];

    public static ToolOutcome Answered(Answer answer)
    {
        var text = McpAdvice.Rewrite(answer.Text);
        return ToolOutcome.Of(new { question = answer.Question, answer = text, data = answer.Data }, text);
    }

    public static string Environment(McpAgent agent, string tool, ToolParameter parameter, string name) =>
        ToolArguments.Parse(tool, parameter, name, n => Environments.Find(n, agent.Context().EnvironmentNames));
}

public sealed class ConsultTool(McpAgent agent) : AgentTool(agent, "consult", "Ask DevOps Agent a question",
    "Answers a CONSULT question, e.g. 'staging status', 'required environment variables', 'last production deploy', "
    + "'migration status staging', 'migrations needed for TASK-045', 'what is deployed where', 'preflight TASK-045', 'logs staging backend'. "
    + "The 'DevOps Agent [CONSULT]:' header is optional. Never returns secret values.",
    ReadOnly(openWorld: true),
    [new ToolParameter("question", ParameterType.String, "The question, with or without the 'DevOps Agent [CONSULT]:' header.")
    {
        Required = true, Send = "a question such as \"staging status\"", MaxLength = 1000,
    }],
    OutputSchemas.Answer())
{
    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken) =>
        await AnswerAsync(Agent.Context(), call.Arguments.String("question"), cancellationToken);

    // The configured environments let a refusal's suggestion name one of them.
    private static async Task<ToolOutcome> AnswerAsync(ProtocolContext context, string question, CancellationToken cancellationToken) =>
        ReadOnlyTools.Answered(await new Consultant(context).AnswerAsync(MessageParser.Parse(question, MessageMode.Consult, context.EnvironmentNames), cancellationToken));
}

public sealed class StatusTool(McpAgent agent) : AgentTool(agent, "status", "Environment status",
    "Live status of an environment: every service's state and health, and the release it serves.",
    ReadOnly(openWorld: true), [ToolParameter.Environment()], OutputSchemas.Answer())
{
    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var environment = ReadOnlyTools.Environment(Agent, Name, Parameter("environment"), call.Arguments.String("environment"));
        return ReadOnlyTools.Answered(await new Consultant(Agent.Context()).AnswerAsync(new StatusQuestion(environment), cancellationToken));
    }
}

public sealed class MigrationsTool(McpAgent agent) : AgentTool(agent, "migrations", "Migration status",
    "The database's alembic revision on an environment and the migrations its code would apply; never starts a stopped database.",
    ReadOnly(openWorld: true), [ToolParameter.Environment()], OutputSchemas.Answer())
{
    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var environment = ReadOnlyTools.Environment(Agent, Name, Parameter("environment"), call.Arguments.String("environment"));
        return ReadOnlyTools.Answered(await new Consultant(Agent.Context()).AnswerAsync(new MigrationStatusQuestion(environment), cancellationToken));
    }
}

public sealed class CheckTool(McpAgent agent) : AgentTool(agent, "check", "Pre-deployment check",
    "The seed's before-deployment checklist on the application's directory: .env.example, compose health checks and patterns, "
    + "no secrets in code or compose, migrations with real downgrades. Findings never include secret values.",
    ReadOnly(openWorld: false),
    [new ToolParameter("directory", ParameterType.String,
        "A folder of the project (default: the project directory, the server's --project-dir or the directory of devops-agent.yml); nothing outside it.")
    {
        Send = "a folder inside the project directory, or nothing", MaxLength = 4096,
    }],
    OutputSchemas.Check())
{
    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var root = ToolArguments.Parse(Name, Parameter("directory"), call.Arguments.OptionalString("directory") ?? "", d => ProjectScope.Resolve(d.Length == 0 ? null : d, Agent.ProjectDirectory));
        await using var runner = new LocalCommandRunner();
        var project = await ProjectLoader.LoadAsync(root, runner, cancellationToken);
        var schemaFile = ComposeSchemaLocator.Find(root);
        var validator = schemaFile is null ? null : ComposeSchemaValidator.FromText(await File.ReadAllTextAsync(schemaFile, cancellationToken));
        var findings = ProjectCheck.Run(project, validator is null ? null : validator.Validate);
        var errors = findings.Count(f => f.Severity == Severity.Error);
        var text = errors == 0 ? $"check passed ({findings.Count} finding(s), no errors)" : $"check found {errors} error(s) in {findings.Count} finding(s)";
        return ToolOutcome.Of(new { passed = errors == 0, findings }, text);
    }
}
