using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Health;

/// <summary>A log line with the service that wrote it and, when compose printed one, its timestamp.</summary>
public sealed record LogFinding(string Service, string Line, DateTimeOffset? At = null);

/// <summary>Finds error lines (tracebacks, ERROR, FATAL, panic, nginx [error]) in <c>compose logs</c> output.</summary>
public static partial class LogScanner
{
    /// <summary>Error lines written at or after <paramref name="since"/> (all of them when null).</summary>
    public static IReadOnlyList<LogFinding> FindErrors(string composeLogs, string project, DateTimeOffset? since = null) =>
        [.. Lines(composeLogs, project).Where(l => ErrorPattern().IsMatch(l.Line) && (since is null || l.At is null || l.At >= since))];

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
                var line = match.Groups[2].Value.TrimEnd();
                var stamp = TimestampPattern().Match(line);
                DateTimeOffset? at = stamp.Success && DateTimeOffset.TryParse(stamp.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
                yield return new LogFinding(ServiceOf(match.Groups[1].Value, project), line, at);
            }
            else if (raw.Trim().Length > 0)
            {
                yield return new LogFinding("", raw.TrimEnd());
            }
        }
    }

    /// <summary>
    /// <c>docker service logs --timestamps --no-task-ids</c> output (<c>&lt;stamp&gt; stack_service.1@node | line</c>, a
    /// global service's task named after its node) as compose prints logs (<c>stack_service | &lt;stamp&gt; line</c>), so
    /// one scanner reads both; other lines (the CLI's own errors) are kept as they are.
    /// </summary>
    public static string FromSwarm(string serviceLogs) => string.Join('\n', serviceLogs.Split('\n').Select(line =>
        SwarmPrefix().Match(line) is { Success: true } m ? $"{m.Groups[2].Value} | {m.Groups[1].Value} {m.Groups[3].Value}" : line));

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

    /// <summary>The RFC 3339 stamp <c>--timestamps</c> puts first, to 7 fractional digits (.NET's limit).</summary>
    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?)\d*(Z|[+-]\d\d:\d\d)?\s")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\S+)\s+(\S+?)\.[0-9a-z]+@\S+\s+\|\s?(.*)$")]
    private static partial Regex SwarmPrefix();

    [GeneratedRegex(@"[_-]\d+$")]
    private static partial Regex ReplicaSuffix();

    [GeneratedRegex(@"Traceback \(most recent call last\)|\bERROR\b|\bFATAL\b|\bCRITICAL\b|\bpanic[:(]|\[(error|crit|alert|emerg)\]")]
    private static partial Regex ErrorPattern();
}
