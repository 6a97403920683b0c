using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// What the tools that run an operation share: a dry run (deploys), the confirmation of a production deploy
/// (elicitation when the client offers it, else confirm: true), and running it as a <see cref="Deployment"/>:
/// awaited with progress per step when the caller waits, else answered at once with its deployment_id.
/// </summary>
public abstract class OperationTool(McpAgent agent, string name, string title, string description, IReadOnlyList<ToolParameter> parameters)
    : AgentTool(agent, name, title, description, Destructive(), parameters, OutputSchemas.Deployment())
{
    public static readonly ToolParameter DryRun = new("dry_run", ParameterType.Boolean,
        "true: answer with the exact commands the deploy would run (its plan), after the task check; nothing connects, nothing is recorded. Deploys only.")
    {
        Send = "true or false",
    };

    public static readonly ToolParameter Confirm = new("confirm", ParameterType.Boolean,
        "true: a production deploy is confirmed. Needed when the client cannot be asked (no elicitation); a client that supports elicitation is asked instead.")
    {
        Send = "true to confirm a production deploy",
    };

    protected async Task<ToolOutcome> StartAsync(ToolCall call, string task, Instruction instruction, CancellationToken cancellationToken)
    {
        if (call.Arguments.OptionalBool("dry_run") is true)
        {
            return instruction is DeployInstruction deploy
                ? await PlanAsync(task, deploy, cancellationToken)
                : throw new ToolArgumentException($"{Name}: dry_run is offered for deploys only, not for {instruction.Action}: leave dry_run out (or false).");
        }

        // A task Layer 2 refuses is refused at once, in this answer: the operation only records the refusal.
        var refused = Refused(task, instruction);
        if (!refused)
        {
            await ConfirmAsync(call, instruction, cancellationToken);
        }

        var wait = refused || (call.Arguments.OptionalBool("wait") ?? call.ProgressToken is not null);
        var progress = wait && call.ProgressToken is { } progressToken ? new OrderedProgress(call.Server, progressToken) : null;
        var deployment = Agent.Deployments.Start(Name, instruction, task,
            (observer, token) => Agent.ExecuteAsync(task, instruction, observer, token), Agent.HistoryPath, wait ? cancellationToken : CancellationToken.None, progress);
        if (!wait)
        {
            return Result(deployment.View());
        }

        // Linked to this request: a cancel reaches the operation, which rolls back within its grace before it ends.
        await deployment.Completion;
        if (progress is not null)
        {
            await progress.FlushAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Result(deployment.View());
    }

    public static ToolOutcome Result(DeploymentView view)
    {
        var what = $"{view.Action} {view.Environment}" + (view.Task is null ? "" : $" for {view.Task}");
        var text = view switch
        {
            { State: "running" } => $"{what}: running (step {view.Step ?? "starting"}, {view.StepsDone} done); call deployment_status with deployment_id \"{view.DeploymentId}\" until it is finished.",
            { Plan: { } plan } => $"dry run of {what}: {plan.Commands.Count} command(s) planned on {plan.Target}, nothing was run" + (view.Error is null ? "." : $"; the plan stopped: {view.Error}"),
            { Report: { } report } => $"{what}: {view.Outcome}" + (report.Reason is null ? "" : $": {report.Reason}") + $". Next: {report.NextStep}",
            _ => $"{what}: failed: {view.Error}",
        };
        return ToolOutcome.Of(view, text, isError: view.State == "finished" && !view.Succeeded);
    }

    private async Task<ToolOutcome> PlanAsync(string task, DeployInstruction deploy, CancellationToken cancellationToken)
    {
        var (result, plan) = await Agent.PlanAsync(task, deploy, cancellationToken);
        return Result(new DeploymentView
        {
            Tool = Name,
            Action = deploy.Action,
            Environment = deploy.Environment,
            Task = task,
            State = "finished",
            StepsDone = result.Record.Steps.Count,
            Step = result.Record.Steps.LastOrDefault()?.Name,
            StartedAt = result.Record.StartedAt,
            FinishedAt = result.Record.FinishedAt,
            Outcome = result.Record.Outcome == Core.Deploy.DeployOutcome.Planned ? "planned" : "failed",
            Error = result.Record.Error is { } error ? McpAdvice.Rewrite(error) : null,
            Plan = plan,
        });
    }

    private bool Refused(string task, Instruction instruction)
    {
        var context = Agent.Context();
        try
        {
            TaskGate.Authorize(context.LoadState(), context.StateSource, task, instruction);
            return false;
        }
        catch (RefusedException)
        {
            return true;
        }
    }

    /// <summary>A production deploy is confirmed by the person behind the client when it can be asked, else by confirm: true.</summary>
    private async Task ConfirmAsync(ToolCall call, Instruction instruction, CancellationToken cancellationToken)
    {
        if (instruction is not DeployInstruction || !Agent.Context().IsProductionEnvironment(instruction.Environment) || call.Arguments.OptionalBool("confirm") is true)
        {
            return;
        }

        if (call.Server.ClientCapabilities?.Elicitation is null)
        {
            throw new DevOpsAgentException($"{Name}: {instruction.Describe()} needs confirmation and this client cannot be asked (it offers no elicitation): "
                + "send confirm: true to confirm it, or dry_run: true to see its plan first; nothing was done", ExitCodes.ConfirmationRequired);
        }

        var answer = await call.Server.ElicitAsync(new ElicitRequestParams
        {
            Message = $"DevOps Agent is about to {instruction.Describe()} (production). Confirm?",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties = { ["confirm"] = new ElicitRequestParams.BooleanSchema { Description = $"Yes, {instruction.Describe()}." } },
                Required = ["confirm"],
            },
        }, cancellationToken);
        var confirmed = answer.IsAccepted && answer.Content is { } content && content.TryGetValue("confirm", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.True;
        if (!confirmed)
        {
            throw new DevOpsAgentException($"{Name}: {instruction.Describe()} was not confirmed (the user answered {answer.Action}); nothing was done", ExitCodes.ConfirmationRequired);
        }
    }

    /// <summary>Progress notifications sent one after another, in the order the steps told them.</summary>
    private sealed class OrderedProgress(McpServer server, ProgressToken token) : IProgress<ProgressNotificationValue>
    {
        private readonly Lock _gate = new();
        private Task _last = Task.CompletedTask;

        public void Report(ProgressNotificationValue value)
        {
            lock (_gate)
            {
                _last = _last.ContinueWith(_ => server.NotifyProgressAsync(token, value), TaskScheduler.Default).Unwrap();
            }
        }

        public Task FlushAsync()
        {
            lock (_gate)
            {
                return _last.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
