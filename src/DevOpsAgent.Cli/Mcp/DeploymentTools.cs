using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>The handle's read side: where a deployment this server runs is, and once finished its report.</summary>
public sealed class DeploymentStatusTool(McpAgent agent) : AgentTool(agent, "deployment_status", "Status of a running or finished deployment",
    "Where a deployment started by execute, deploy or rollback (in this server process) is: running with its current step, or finished with its outcome "
    + "and report. wait_seconds holds the answer until it finishes or that time passes.",
    ReadOnly(openWorld: false),
    [
        DeploymentId,
        new ToolParameter("wait_seconds", ParameterType.Integer, "Wait up to this many seconds for the deployment to finish before answering (0-50, default 0).")
        {
            Send = "an integer from 0 to 50", Minimum = 0, Maximum = 50,
        },
    ],
    OutputSchemas.Deployment())
{
    public static readonly ToolParameter DeploymentId = new("deployment_id", ParameterType.String, "The deployment_id execute, deploy or rollback answered with.")
    {
        Required = true, Send = "the deployment_id that execute, deploy or rollback answered with", MaxLength = 200,
    };

    protected override async Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var deployment = Find(Agent, Name, call.Arguments.String("deployment_id"));
        var wait = call.Arguments.Int("wait_seconds", 0);
        if (wait > 0 && !deployment.Finished)
        {
            await Task.WhenAny(deployment.Completion, Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return OperationTool.Result(deployment.View());
    }

    public static Deployment Find(McpAgent agent, string tool, string id) =>
        agent.Deployments.Find(id) ?? throw new ToolArgumentException(
            $"{tool}: argument 'deployment_id': no deployment '{InputText.Quote(id)}' in this server process"
            + (agent.Deployments.Ids.Count == 0 ? " (it has started none)" : $" (it knows: {string.Join(", ", agent.Deployments.Ids.Take(5))})")
            + "; send a deployment_id this server answered with (ids do not survive a restart: the history tool has every finished operation)",
            ExitCodes.InvalidInput);
}

/// <summary>The only way to stop a deployment nobody waits for: a deploy then rolls back within its grace; a rollback finishes first.</summary>
public sealed class CancelDeploymentTool(McpAgent agent) : AgentTool(agent, "cancel_deployment", "Cancel a running deployment",
    "Cancels a deployment this server runs: a deploy that has begun switching is rolled back to the release before it (within 3 minutes); "
    + "a rollback finishes first. Answers at once; follow it with deployment_status.",
    Destructive(), [DeploymentStatusTool.DeploymentId], OutputSchemas.Deployment())
{
    protected override Task<ToolOutcome> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var deployment = DeploymentStatusTool.Find(Agent, Name, call.Arguments.String("deployment_id"));
        deployment.Cancel();
        return Task.FromResult(OperationTool.Result(deployment.View()));
    }
}
