using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// Tools that change servers; registered only when the server was started with --allow-destructive. Each goes
/// through the EXECUTE path with typed, validated arguments (never a sentence parsed back): Layer 2 (the task
/// must be assigned to DevOps Agent), the production pre-flight, the report. Not idempotent.
/// </summary>
public static class DestructiveTools
{
    public static IReadOnlyList<AgentTool> Create(McpAgent agent) => [new ExecuteTool(agent), new DeployTool(agent), new RollbackTool(agent), new DeploymentStatusTool(agent), new CancelDeploymentTool(agent)];
}

public sealed class ExecuteTool(McpAgent agent) : OperationTool(agent, "execute", "Carry out an EXECUTE message",
    "Carries out 'DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging' (deploy, rollback, restart, run/check migrations, status) "
    + "for a task assigned to DevOps Agent in the project state; answers with the deployment document and its report.",
    [
        new ToolParameter("message", ParameterType.String, "The whole EXECUTE message, header included.")
        {
            Required = true, Send = "a message such as \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging\"", MaxLength = 1000,
        },
        ToolParameter.Wait("operation"), DryRun, Confirm,
    ])
{
    protected override Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var message = MessageParser.Parse(call.Arguments.String("message"), MessageMode.Execute, Agent.Context().EnvironmentNames);
        if (message.TaskId is not { } task)
        {
            throw new ToolArgumentException($"{Name}: argument 'message' has no task: send {Parameter("message").Send}.");
        }

        var instruction = InstructionParser.Parse(message, Agent.Context().EnvironmentNames);
        return StartAsync(call, task, instruction, cancellationToken);
    }
}

public sealed class DeployTool(McpAgent agent) : OperationTool(agent, "deploy", "Deploy a task's release",
    "Deploys the task's release (or the given branch, tag or commit) to an environment: check, lock, fetch, build, migrate, up, health, record; "
    + "rolled back automatically when migrate, up or health fails, or when cancelled after the switch began.",
    [
        ToolParameter.Task,
        ToolParameter.Environment(),
        new ToolParameter("ref", ParameterType.String, "A branch, tag or commit (default: the task's ref, else the environment's branch or tag).")
        {
            Send = "a branch, tag or commit name such as \"v1.1.0\" (git check-ref-format rules, no spaces)", MaxLength = 255,
        },
        ToolParameter.Wait("deploy"), DryRun, Confirm,
    ])
{
    protected override Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var task = ToolArguments.Parse(Name, Parameter("task"), call.Arguments.String("task"), TaskId.Parse);
        var environment = ReadOnlyTools.Environment(Agent, Name, Parameter("environment"), call.Arguments.String("environment"));
        var gitRef = call.Arguments.OptionalString("ref") is { } named ? ToolArguments.Parse(Name, Parameter("ref"), named, GitRef.Parse) : null;
        return StartAsync(call, task, new DeployInstruction(environment, gitRef is null ? RefSource.Task : RefSource.Ref, gitRef), cancellationToken);
    }
}

public sealed class RollbackTool(McpAgent agent) : OperationTool(agent, "rollback", "Roll an environment back",
    "Rolls an environment back to its previous release (or the one given): database downgraded to that release's revision, its kept images, health verified. "
    + "A cancel lets it finish first: it is the way back to a known release.",
    [
        ToolParameter.Task,
        ToolParameter.Environment(),
        new ToolParameter("to", ParameterType.String, "The release to go back to: a version, tag or commit prefix the server recorded (default: the previous one).")
        {
            Send = "a release such as \"v1.0.0\" or a commit prefix (at least 7 characters)", MaxLength = 255,
        },
        ToolParameter.Wait("rollback"),
    ])
{
    protected override Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var task = ToolArguments.Parse(Name, Parameter("task"), call.Arguments.String("task"), TaskId.Parse);
        var environment = ReadOnlyTools.Environment(Agent, Name, Parameter("environment"), call.Arguments.String("environment"));
        var to = call.Arguments.OptionalString("to") is { } named ? ToolArguments.Parse(Name, Parameter("to"), named, GitRef.ParseRelease) : null;
        return StartAsync(call, task, new RollbackInstruction(environment, to), cancellationToken);
    }
}
