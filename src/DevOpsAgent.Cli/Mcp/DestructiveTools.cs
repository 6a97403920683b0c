using System.ComponentModel;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using ModelContextProtocol.Server;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// Tools that change servers; registered only when the server was started with --allow-destructive. Each goes
/// through the EXECUTE path: Layer 2 (the task must be assigned to DevOps Agent), the production pre-flight,
/// the report. Not idempotent: a second deploy is a second deploy.
/// </summary>
[McpServerToolType]
public sealed class DestructiveTools(McpAgent agent)
{
    [McpServerTool(Name = "execute", Title = "Carry out an EXECUTE message", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [Description("Carries out 'DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging' (deploy, rollback, restart, run/check migrations, status) "
        + "for a task assigned to DevOps Agent in the project state, and returns the report.")]
    public Task<string> Execute([Description("The whole EXECUTE message, header included.")] string message, CancellationToken cancellationToken) =>
        McpAgent.RunAsync(async () => (await agent.ExecuteAsync(message, cancellationToken)).ToJson());

    [McpServerTool(Name = "deploy", Title = "Deploy a task's release", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [Description("Deploys the task's release (or the given branch/tag) to an environment, as the EXECUTE message 'deploy … to <environment>' would.")]
    public Task<string> Deploy(
        [Description("The Orchestrator's task id, e.g. TASK-045.")] string task,
        [Description("The environment, e.g. staging.")] string environment,
        [Description("A branch, tag or commit (default: the task's ref, else the environment's).")] string? gitRef = null,
        CancellationToken cancellationToken = default) =>
        McpAgent.RunAsync(async () =>
        {
            var what = gitRef is null ? "feature" : $"ref {GitRef.Parse(gitRef)}";
            return (await agent.ExecuteAsync($"DevOps Agent [EXECUTE {TaskId.Parse(task)}]: deploy {what} to {environment}", cancellationToken)).ToJson();
        });

    [McpServerTool(Name = "rollback", Title = "Roll an environment back", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [Description("Rolls an environment back to its previous release (or the one given): database downgraded to that release's revision, its images, health verified.")]
    public Task<string> Rollback(
        [Description("The Orchestrator's task id, e.g. TASK-045.")] string task,
        [Description("The environment, e.g. production.")] string environment,
        [Description("The release to go back to (default: the previous one).")] string? to = null,
        CancellationToken cancellationToken = default) =>
        McpAgent.RunAsync(async () =>
        {
            var target = to is null ? "" : $" to {GitRef.Parse(to)}";
            return (await agent.ExecuteAsync($"DevOps Agent [EXECUTE {TaskId.Parse(task)}]: rollback {environment}{target}", cancellationToken)).ToJson();
        });
}
