using System.Globalization;
using System.Text;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// An EXECUTE report as a person reads it: the outcome first, then release, migrations, health, steps, next step.
/// What comes from the project-state file or a server (task title, reason, migration summary, check details) is
/// escaped like input in an error, so a bidi override in a task title cannot reorder the terminal's line.
/// </summary>
public static class ReportText
{
    public static string Render(ExecutionReport report)
    {
        var text = new StringBuilder();
        var outcome = report.Outcome switch
        {
            ReportOutcome.Succeeded => "SUCCEEDED",
            ReportOutcome.RolledBack => "ROLLED BACK",
            ReportOutcome.Refused => "REFUSED",
            _ => "FAILED",
        };
        var title = report.TaskTitle is { Length: > 0 } t ? $" — {InputText.OneLine(t)}" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Task ?? "-"} {report.Action} on {report.Environment}: {outcome} ({Seconds(report.DurationMs)}){title}");
        if (report.Reason is { } reason)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Reason:     {InputText.OneLine(reason)}");
        }

        if (report.Release is { } release)
        {
            var commit = release.Commit is { } c ? $" ({DeployWorker.ShortCommit(c)})" : "";
            var was = release.PreviousCommit is { } p ? $", was {DeployWorker.ShortCommit(p)}" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  Release:    {release.Version ?? release.Ref}{commit}{was}");
        }

        if (report.Migrations is { } migrations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Migrations: {InputText.OneLine(migrations.Summary)}");
        }

        if (report.Health.Count > 0)
        {
            var failing = report.Health.Where(h => h.Verdict != "passed").ToList();
            var failures = failing.Count == 0 ? "" : "; " + string.Join("; ", failing.Select(h => $"{h.Name} {h.Verdict}: {InputText.OneLine(h.Detail)}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  Health:     {report.Health.Count(h => h.Verdict == "passed")}/{report.Health.Count} checks passed{failures}");
        }

        if (report.Steps.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Steps:      {string.Join(", ", report.Steps.Select(s => $"{s.Name} {Seconds(s.DurationMs)}{(s.Outcome == "succeeded" ? "" : $" ({s.Outcome})")}"))}");
        }

        text.Append(CultureInfo.InvariantCulture, $"  Next:       {report.NextStep}");
        return Redaction.Redact(text.ToString());
    }

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
