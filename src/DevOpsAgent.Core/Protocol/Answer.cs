using System.Globalization;
using System.Text.Json;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Protocol;

/// <summary>The answer to a CONSULT question: a short text for people, the same facts as data for programs.</summary>
public sealed record Answer(string Question, string Text, object Data)
{
    public string ToJson() => Redaction.Redact(JsonSerializer.Serialize(new { question = Question, answer = Text, data = Data }, ExecutionReport.Json));

    /// <summary>"just now", "1 minute ago", "5 hours ago", "2 days ago".</summary>
    public static string Ago(TimeSpan elapsed)
    {
        static string Plural(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s") + " ago";
        return elapsed.TotalMinutes < 1 ? "just now"
            : elapsed.TotalHours < 1 ? Plural((int)elapsed.TotalMinutes, "minute")
            : elapsed.TotalDays < 1 ? Plural((int)elapsed.TotalHours, "hour")
            : Plural((int)elapsed.TotalDays, "day");
    }
}
