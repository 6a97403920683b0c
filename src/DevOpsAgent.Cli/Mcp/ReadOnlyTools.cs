using System.ComponentModel;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Infrastructure.Compose;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Projects;
using ModelContextProtocol.Server;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>Tools that change nothing. OpenWorld where they reach the servers over SSH; history and check stay on this machine.</summary>
[McpServerToolType]
public sealed class ReadOnlyTools(McpAgent agent)
{
    [McpServerTool(Name = "consult", Title = "Ask DevOps Agent a question", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Answers a CONSULT question, e.g. 'staging status', 'required environment variables', 'last production deploy', "
        + "'migration status staging', 'migrations needed for TASK-045', 'what is deployed where', 'preflight TASK-045', 'logs staging backend'. "
        + "The 'DevOps Agent [CONSULT]:' header is optional. Never returns secret values.")]
    public Task<string> Consult([Description("The question, with or without the 'DevOps Agent [CONSULT]:' header.")] string question, CancellationToken cancellationToken) =>
        McpAgent.RunAsync(async () => (await new Consultant(agent.Context()).AnswerAsync(MessageParser.Parse(question, MessageMode.Consult), cancellationToken)).ToJson());

    [McpServerTool(Name = "status", Title = "Environment status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Live status of an environment: every service's state and health, and the release it serves.")]
    public Task<string> Status([Description("The environment, e.g. staging.")] string environment, CancellationToken cancellationToken) =>
        McpAgent.RunAsync(async () =>
        {
            var context = agent.Context();
            return (await new Consultant(context).AnswerAsync(new StatusQuestion(Environments.Find(environment, context.EnvironmentNames)), cancellationToken)).ToJson();
        });

    [McpServerTool(Name = "migrations", Title = "Migration status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("The database's alembic revision on an environment and the migrations its code would apply; never starts a stopped database.")]
    public Task<string> Migrations([Description("The environment, e.g. staging.")] string environment, CancellationToken cancellationToken) =>
        McpAgent.RunAsync(async () =>
        {
            var context = agent.Context();
            return (await new Consultant(context).AnswerAsync(new MigrationStatusQuestion(Environments.Find(environment, context.EnvironmentNames)), cancellationToken)).ToJson();
        });

    [McpServerTool(Name = "history", Title = "Deploy history", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Past deploys, rollbacks and refusals recorded on this machine, newest first.")]
    public Task<string> History(
        [Description("Only this environment (all when omitted).")] string? environment = null,
        [Description("At most this many records (1-200).")] int limit = 20,
        CancellationToken cancellationToken = default) =>
        McpAgent.RunAsync(async () =>
        {
            var name = environment is null ? null : Environments.Find(environment, agent.Context().EnvironmentNames);
            return await agent.Services().History().ListAsync(name, Math.Clamp(limit, 1, 200), cancellationToken);
        }, agent.HistoryPath);

    [McpServerTool(Name = "check", Title = "Pre-deployment check", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("The seed's before-deployment checklist on the application's directory: .env.example, compose health checks and patterns, "
        + "no secrets in code or compose, migrations with real downgrades. Findings never include secret values.")]
    public Task<string> Check(
        [Description("A folder of the project (default: the project directory, the server's --project-dir or the directory of devops-agent.yml); nothing outside it.")] string? directory = null,
        CancellationToken cancellationToken = default) =>
        McpAgent.RunAsync(async () =>
        {
            var root = ProjectScope.Resolve(directory, agent.ProjectDirectory);
            await using var runner = new LocalCommandRunner();
            var project = await ProjectLoader.LoadAsync(root, runner, cancellationToken);
            var schemaFile = ComposeSchemaLocator.Find(root);
            var validator = schemaFile is null ? null : ComposeSchemaValidator.FromText(await File.ReadAllTextAsync(schemaFile, cancellationToken));
            var findings = ProjectCheck.Run(project, validator is null ? null : validator.Validate);
            return new { passed = findings.All(f => f.Severity != Severity.Error), findings };
        });
}
