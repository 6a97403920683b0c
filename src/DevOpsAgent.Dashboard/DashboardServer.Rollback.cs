using System.Security.Cryptography;
using System.Text;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Protocol;
using Microsoft.AspNetCore.Http;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

public sealed partial class DashboardServer
{
    /// <summary>
    /// POST only, with the form's anti-CSRF value and the environment's name typed as confirmation; then the
    /// same RollbackOperation as the CLI (lock, journal, history), followed live on the operation's page.
    /// </summary>
    private async Task RollbackAsync(HttpContext http, string environment)
    {
        var target = Environment(environment);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string? error = null;
        string? releaseName = null;
        string? taskId = null;
        var ours = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(form["csrf"].ToString().PadRight(_csrf.Length)[.._csrf.Length]), Encoding.ASCII.GetBytes(_csrf));
        if (!ours)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            error = "the form is stale or came from another site (anti-CSRF check failed); reload the page";
        }
        else if (form["confirm"].ToString() != target.Name)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            error = $"not confirmed: type the environment's name ({target.Name}) to roll it back";
        }
        else if (_operations.Running(target.Name))
        {
            http.Response.StatusCode = StatusCodes.Status409Conflict;
            error = $"a rollback of {target.Name} started from this dashboard is still running";
        }
        else
        {
            try
            {
                releaseName = form["to"].ToString() is { Length: > 0 } named ? GitRef.ParseRelease(named).Name : null;
                taskId = form["task"].ToString() is { Length: > 0 } id ? TaskId.Parse(id) : null;
            }
            catch (DevOpsAgentException invalid)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                error = DashboardErrors.OneLine(invalid);
            }

            if (error is null && taskId is null && context.RequiresTask)
            {
                // Layer 2: with an Orchestrator's project state, nothing changes a server without a task assigned to DevOps Agent.
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                error = "a task id is required: this project's Orchestrator state is configured, so a rollback runs only for a task assigned to DevOps Agent";
            }
        }

        if (error is not null)
        {
            // Refilled only from a form this dashboard served: a cross-site post must not prefill what a user then confirms.
            await WriteHtmlAsync(http, Pages.RollbackForm(target, _csrf, error, context.RequiresTask,
                ours ? form["to"].ToString() : "", ours ? form["task"].ToString() : ""));
            return;
        }

        var operation = _operations.Start(target.Name);
        _ = Task.Run(async () =>
        {
            try
            {
                var (summary, succeeded) = taskId is not null && context.Protocol is { } protocol
                    ? await RollbackForTaskAsync(protocol(operation) with { Actor = context.Actor }, target.Name, releaseName, taskId)
                    : await OperatorRollbackAsync(target, releaseName, taskId, operation);
                operation.Finish(summary, succeeded);
            }
            catch (Exception failure)
            {
                operation.Finish($"failed: {DashboardErrors.OneLine(failure)}", false);
            }
            finally
            {
                _status.Invalidate(target.Name);
            }
        });
        http.Response.Redirect($"/operations/{operation.Id}");
    }

    /// <summary>An operator's rollback (no Orchestrator state configured, no task): the CLI's <c>rollback</c>.</summary>
    private async Task<(string Summary, bool Succeeded)> OperatorRollbackAsync(Core.Configuration.EnvironmentConfig target, string? releaseName, string? taskId, RunningOperation operation)
    {
        var result = await new EnvironmentOperations(context.Config, context.ConnectAsync, context.History, operation, TimeProvider.System)
            .RollbackAsync(target, releaseName, context.Actor, taskId, DeployLock.DefaultStaleAfter, CancellationToken.None);
        var r = result.Record;
        return ($"{r.Outcome.ToString().ToLowerInvariant()}: {target.Name} {(r.Outcome == DeployOutcome.Succeeded ? $"now serves {r.Version}" : r.Error ?? "")}",
            result.ExitCode == ExitCodes.Success);
    }

    /// <summary>
    /// A rollback for a task: the EXECUTE the Orchestrator would send, through the same executor (TaskGate first; a
    /// refusal is recorded in history and nothing is touched).
    /// </summary>
    private static async Task<(string Summary, bool Succeeded)> RollbackForTaskAsync(ProtocolContext protocol, string environment, string? releaseName, string taskId)
    {
        var instruction = new RollbackInstruction(environment, releaseName is null ? null : GitRef.ParseRelease(releaseName));
        var report = await new ProtocolExecutor(protocol).ExecuteAsync(new AgentMessage(MessageMode.Execute, taskId, instruction.Describe()), instruction, CancellationToken.None);
        var outcome = report.Outcome switch
        {
            ReportOutcome.Succeeded => "succeeded",
            ReportOutcome.RolledBack => "rolled back",
            ReportOutcome.Refused => "refused",
            _ => "failed",
        };
        var detail = report.Outcome == ReportOutcome.Succeeded ? $"{environment} now serves {report.Release?.Version} for {taskId}" : report.Reason ?? "";
        return ($"{outcome}: {InputText.OneLine(Core.Secrets.Redaction.Redact(detail))}", report.ExitCode == ExitCodes.Success);
    }

    private Task OperationPageAsync(HttpContext http, string id)
    {
        if (_operations.Find(id) is not { } operation)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return WriteHtmlAsync(http, Page("Not found", Error("no such operation (the dashboard was restarted?)")));
        }

        return WriteHtmlAsync(http, Page($"Rollback of {operation.Environment}", $$"""
            <h1>Rollback of {{E(operation.Environment)}}</h1>
            <pre id="progress"></pre><p id="outcome">running…</p>
            <script>
            (function(){var s=new EventSource('/operations/{{E(id)}}/events');var p=document.getElementById('progress');
            s.addEventListener('line',function(e){p.textContent+=e.data+'\n';});
            s.addEventListener('done',function(e){var o=document.getElementById('outcome');o.textContent=e.data;o.className=e.data.indexOf('succeeded')===0?'ok':'bad';s.close();});})();
            </script>
            """));
    }

    private async Task OperationEventsAsync(HttpContext http, string id)
    {
        if (_operations.Find(id) is not { } operation)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        StartEvents(http);
        var sent = 0;
        while (!http.RequestAborted.IsCancellationRequested)
        {
            var done = operation.Outcome;
            foreach (var line in operation.LinesFrom(sent))
            {
                await SendAsync(http, "line", line);
                sent++;
            }

            if (done is not null)
            {
                await SendAsync(http, "done", done);
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
