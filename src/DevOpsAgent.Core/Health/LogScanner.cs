using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Health;

/// <summary>A log line that looks like an error, with the service that wrote it.</summary>
public sealed record LogFinding(string Service, string Line);

/// <summary>Finds error lines (tracebacks, ERROR, FATAL, panic, nginx [error]) in <c>compose logs</c> output.</summary>
public static partial class LogScanner
{
    public static IReadOnlyList<LogFinding> FindErrors(string composeLogs, string project) =>
        [.. Lines(composeLogs, project).Where(l => ErrorPattern().IsMatch(l.Line))];

    /// <summary>The last <paramref name="count"/> lines <paramref name="service"/> wrote.</summary>
    public static IReadOnlyList<LogFinding> Tail(string composeLogs, string project, string service, int count) =>
        [.. Lines(composeLogs, project).Where(l => l.Service == service).TakeLast(count)];

    /// <summary>Compose prefixes each line with the container name (<c>shop-staging_backend_1  | …</c>).</summary>
    public static IEnumerable<LogFinding> Lines(string composeLogs, string project)
    {
        foreach (var raw in composeLogs.Split('\n'))
        {
            var match = PrefixPattern().Match(raw);
            if (match.Success)
            {
                yield return new LogFinding(ServiceOf(match.Groups[1].Value, project), match.Groups[2].Value.TrimEnd());
            }
            else if (raw.Trim().Length > 0)
            {
                yield return new LogFinding("", raw.TrimEnd());
            }
        }
    }

    /// <summary><c>project_service_1</c> (v1) or <c>project-service-1</c> (v2) → <c>service</c>.</summary>
    private static string ServiceOf(string container, string project)
    {
        var name = container.StartsWith(project, StringComparison.Ordinal) && container.Length > project.Length + 1
            ? container[(project.Length + 1)..]
            : container;
        return ReplicaSuffix().Replace(name, "");
    }

    [GeneratedRegex(@"^(\S+)\s+\|\s?(.*)$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"[_-]\d+$")]
    private static partial Regex ReplicaSuffix();

    [GeneratedRegex(@"Traceback \(most recent call last\)|\bERROR\b|\bFATAL\b|\bCRITICAL\b|\bpanic[:(]|\[(error|crit|alert|emerg)\]")]
    private static partial Regex ErrorPattern();
}
