using System.Globalization;
using System.Text;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

/// <summary>The dashboard's pages as pure functions of what they show, so they are tested without a server.</summary>
public static class Pages
{
    public const int PageSize = 25;

    public static string Overview(AgentConfig config, IReadOnlyList<(EnvironmentConfig Environment, StatusView? View)> environments, IReadOnlyList<DeployRecord> recent)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(config.Project)}</h1><h2>Environments</h2>");
        body.Append("<table id=\"environments\"><tr><th>Environment</th><th>Host</th><th>Live release</th><th>Slot</th><th>Health</th><th>Lock / operation</th><th></th></tr>");
        foreach (var (environment, view) in environments)
        {
            var cells = StatusCells.Of(environment.Name, view);
            body.Append(CultureInfo.InvariantCulture, $"<tr data-env=\"{E(environment.Name)}\"><td><b><a href=\"/environments/{Uri.EscapeDataString(environment.Name)}\">{E(environment.Name)}</a></b></td><td>{string.Join("<br>", environment.AllHosts.Select(h => $"{E(h.User)}@{E(h.Host)}:{h.Port}"))} <code>{E(environment.Path)}</code></td>");
            body.Append(CultureInfo.InvariantCulture, $"<td class=\"release\">{cells.Release}</td><td class=\"slot\">{cells.Slot}</td><td class=\"health\">{cells.Health}</td><td class=\"lock\">{cells.Lock}</td>");
            body.Append(CultureInfo.InvariantCulture, $"<td><a href=\"/rollback/{Uri.EscapeDataString(environment.Name)}\">roll back…</a></td></tr>");
        }

        body.Append("</table><h2>Latest deploys</h2>");
        body.Append(HistoryTable(recent));
        body.Append("<p><a href=\"/history\">Whole history →</a></p>");
        // The status cells follow the cache live (/events/status); the cells' HTML is the server's, encoded as on the page.
        body.Append("""
            <script>
            (function(){var s=new EventSource('/events/status');
            s.addEventListener('status',function(e){var d=JSON.parse(e.data);
            var r=document.querySelector('table#environments tr[data-env="'+CSS.escape(d.environment)+'"]');if(!r){return;}
            r.querySelector('td.release').innerHTML=d.release;r.querySelector('td.slot').innerHTML=d.slot;r.querySelector('td.health').innerHTML=d.health;r.querySelector('td.lock').innerHTML=d.lock;});})();
            </script>
            """);
        return Page("Overview", body.ToString());
    }

    public static string History(IReadOnlyList<DeployRecord> records, int page, bool more)
    {
        var body = new StringBuilder("<h1>History</h1>");
        body.Append(HistoryTable(records));
        if (page > 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<a href=\"/history?page={page - 1}\">← newer</a> ");
        }

        if (more)
        {
            body.Append(CultureInfo.InvariantCulture, $"<a href=\"/history?page={page + 1}\">older →</a>");
        }

        return Page("History", body.ToString());
    }

    public static string HistoryTable(IReadOnlyList<DeployRecord> records)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<table id=\"history\" data-live data-last=\"{E(Fingerprint(records))}\"><tr><th>Started</th><th>Environment</th><th>Action</th><th>Release</th><th>Outcome</th><th>Duration</th><th>By</th><th>Steps</th></tr>");
        foreach (var r in records)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr class=\"record\"><td><a href=\"/deploys/{Uri.EscapeDataString(r.Id)}\">{Time(r.StartedAt)}</a></td><td>{E(r.Environment)}</td><td>{E(r.Action)}</td>");
            body.Append(CultureInfo.InvariantCulture, $"<td>{E(r.Version ?? r.Ref)}</td><td>{Outcome(r.Outcome)}</td><td>{Seconds(r.Duration)}</td><td>{E(r.StartedBy)}</td><td>{r.Steps.Count}</td></tr>");
        }

        return body.Append("</table>").ToString();
    }

    /// <summary>What changes when history changes: the newest record and its state.</summary>
    public static string Fingerprint(IReadOnlyList<DeployRecord> records) =>
        records.Count == 0 ? "empty" : $"{records[0].Id}:{records[0].Outcome}:{records[0].Steps.Count}";

    public static string Detail(DeployRecord r)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(r.Action)} {E(r.Version ?? r.Ref)} on {E(r.Environment)}</h1>");
        body.Append("<table id=\"summary\">");
        Row(body, "Outcome", Outcome(r.Outcome));
        if (r.Error is not null)
        {
            Row(body, "Error", $"<span class=\"bad\">{E(r.Error)}</span>");
        }

        Row(body, "Ref", E(r.Ref));
        Row(body, "Commit", $"<code>{E(r.PreviousCommit is null ? "" : DeployWorker.ShortCommit(r.PreviousCommit) + " → ")}{E(r.Commit is null ? "-" : DeployWorker.ShortCommit(r.Commit))}</code>");
        Row(body, "Started", $"{Time(r.StartedAt)} by {E(r.StartedBy)}{(r.TaskId is null ? "" : $" for {E(r.TaskId)}")}");
        Row(body, "Duration", Seconds(r.Duration));
        Row(body, "Database revision", $"<code>{E(r.RevisionBefore ?? "-")}</code> → <code>{E(r.RevisionAfter ?? "-")}</code>");
        Row(body, "Migrations", E(r.Migrations ?? "-"));
        Row(body, "Backup", E(r.Backup ?? "-"));
        Row(body, "Health", E(r.HealthSummary));
        body.Append("</table><h2>Steps</h2>");
        body.Append(StepChart(r.Steps));
        body.Append("<table id=\"steps\"><tr><th>Step</th><th>Outcome</th><th>Duration</th><th>Detail</th></tr>");
        foreach (var step in r.Steps)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(step.Name)}</td><td>{E(step.Outcome.ToString().ToLowerInvariant())}</td><td>{Seconds(step.Duration)}</td><td>{E(step.Detail)}</td></tr>");
        }

        body.Append("</table>");
        if (r.Preflight.Count > 0)
        {
            body.Append("<h2>Pre-flight</h2><table id=\"preflight\">");
            foreach (var item in r.Preflight)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"{(item.Passed ? "ok" : "bad")}\">{(item.Passed ? "passed" : "FAILED")}</td><td>{E(item.Name)}</td><td>{E(item.Reason)}</td></tr>");
            }

            body.Append("</table>");
            if (r.PreflightOverride is not null)
            {
                body.Append(CultureInfo.InvariantCulture, $"<p>Overridden: {E(r.PreflightOverride)}</p>");
            }
        }

        return Page($"{r.Action} {r.Version ?? r.Ref}", body.ToString());
    }

    /// <summary>One horizontal bar per step, its length its share of the longest step.</summary>
    public static string StepChart(IReadOnlyList<StepRecord> steps)
    {
        if (steps.Count == 0)
        {
            return "<p>No steps recorded.</p>";
        }

        const int Label = 170, Width = 520, Bar = 18, Gap = 6;
        var longest = Math.Max(steps.Max(s => s.Duration.TotalSeconds), 0.001);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"step-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Label + Width + 80}\" height=\"{steps.Count * (Bar + Gap) + Gap}\" role=\"img\" aria-label=\"step durations\">");
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var y = Gap + i * (Bar + Gap);
            var w = Math.Max(1, (int)Math.Round(step.Duration.TotalSeconds / longest * Width));
            var fill = step.Outcome switch { StepOutcome.Failed => "#d93025", StepOutcome.Skipped => "#b0b7c0", _ => "#1a73e8" };
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Label - 6}\" y=\"{y + 13}\" text-anchor=\"end\" font-size=\"12\">{E(step.Name)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{Label}\" y=\"{y}\" width=\"{w}\" height=\"{Bar}\" fill=\"{fill}\"><title>{E(step.Name)}: {Seconds(step.Duration)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Label + w + 4}\" y=\"{y + 13}\" font-size=\"11\">{Seconds(step.Duration)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// The form; after a refusal, again with the release and task that were sent (<paramref name="release"/>,
    /// <paramref name="task"/>) and the error, but never the confirmation: it is typed anew for every attempt.
    /// </summary>
    public static string RollbackForm(EnvironmentConfig environment, string antiforgery, string? error, bool taskRequired = false, string release = "", string task = "") => Page($"Roll back {environment.Name}", $"""
        <h1>Roll back {E(environment.Name)}</h1>
        {(error is null ? "" : Error(error))}
        <p>Goes back to the previous release (or the one named): database downgraded to its revision, its kept images, health verified — the same operation as <code>devops-agent rollback {E(environment.Name)}</code>, under its lock and journal, recorded in history.</p>
        <form id="rollback" method="post" action="/rollback/{Uri.EscapeDataString(environment.Name)}">
        <input type="hidden" name="csrf" value="{E(antiforgery)}">
        <p><label>Release to go back to (empty: the previous one) <input name="to" id="to" value="{E(release)}"></label></p>
        <p><label>{(taskRequired ? "Task id — required: the Orchestrator's project state is configured, so the task must be assigned to DevOps Agent (Layer 2)" : "Task id (optional; when given, the task must be assigned to DevOps Agent, as an EXECUTE)")} <input name="task" id="task" placeholder="TASK-001" value="{E(task)}"{(taskRequired ? " required" : "")}></label></p>
        <p><label>Type <b>{E(environment.Name)}</b> to confirm <input name="confirm" id="confirm" autocomplete="off" required></label></p>
        <p><button type="submit" id="do-rollback">Roll back {E(environment.Name)}</button></p>
        </form>
        """);

    private static void Row(StringBuilder body, string name, string html) =>
        body.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(name)}</th><td>{html}</td></tr>");
}
