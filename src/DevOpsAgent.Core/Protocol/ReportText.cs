using System.Globalization;
using System.Text;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Protocol;

/// <summary>An EXECUTE report as a person reads it: the outcome first, then release, migrations, health, steps, next step.</summary>
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
        var title = report.TaskTitle is { Length: > 0 } t ? $" — {t}" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Task ?? "-"} {report.Action} on {report.Environment}: {outcome} ({Seconds(report.DurationMs)}){title}");
        if (report.Reason is { } reason)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Reason:     {reason}");
        }

        if (report.Release is { } release)
        {
            var commit = release.Commit is { } c ? $" ({DeployWorker.ShortCommit(c)})" : "";
            var was = release.PreviousCommit is { } p ? $", was {DeployWorker.ShortCommit(p)}" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  Release:    {release.Version ?? release.Ref}{commit}{was}");
        }

        if (report.Migrations is { } migrations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Migrations: {migrations.Summary}");
        }

        if (report.Health.Count > 0)
        {
            var failing = report.Health.Where(h => h.Verdict != "passed").ToList();
            var failures = failing.Count == 0 ? "" : "; " + string.Join("; ", failing.Select(h => $"{h.Name} {h.Verdict}: {h.Detail}"));
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
