using System.Text.Json;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Health;

/// <summary>
/// The seed's post-deployment checks, polled until all pass or the deadline comes: every service running
/// (and healthy where it has a healthcheck), each HTTP endpoint, the frontend root, pg_isready, and a scan of
/// the recent logs.
/// </summary>
public sealed class HealthVerifier(ICommandRunner runner, ComposeCommands compose, HealthConfig config, TimeProvider time, ComposeCommands? databaseCompose = null)
{
    /// <summary>How many restarts while the checks poll make a crash loop that will not settle.</summary>
    public const int CrashLoopRestarts = 3;

    /// <summary>Runs the checks; with <paramref name="singlePass"/> (dry runs, status) they run once without waiting.</summary>
    /// <param name="logsSince">Only log lines written from then on count as errors (the deploy's start).</param>
    public async Task<HealthReport> VerifyAsync(bool singlePass, CancellationToken cancellationToken, DateTimeOffset? logsSince = null)
    {
        var deadline = time.GetUtcNow() + config.Timeout;
        var services = compose.KnownServices ?? (await runner.RunAsync(compose.Services(), cancellationToken)).EnsureSuccess(runner.Target)
            .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        List<CheckResult> checks;
        DateTimeOffset? healthySince = null;
        Dictionary<string, int>? firstRestarts = null;
        while (true)
        {
            var roundStarted = time.GetUtcNow();
            var states = ContainerState.ParseAll((await runner.RunAsync(ContainerState.Inspect(compose), cancellationToken)).StandardOutput);
            firstRestarts ??= states.ToDictionary(s => s.Name, s => s.RestartCount);
            checks = await RunChecksAsync(services, states, cancellationToken);
            if (checks.All(c => c.Passed))
            {
                healthySince = roundStarted;
            }

            // A container that exited for good, restarts again and again, or that Docker judged unhealthy (and fails its
            // healthcheck run now too), will not become healthy by waiting: a broken release fails at once, not at the deadline.
            var hopeless = Hopeless(states, firstRestarts);
            if (healthySince is null && !singlePass)
            {
                hopeless.AddRange(await ConfirmedUnhealthyAsync(states, cancellationToken));
            }

            if (hopeless.Count > 0 && healthySince is null)
            {
                checks[0] = checks[0] with { Passed = false, Detail = $"{checks[0].Detail}; not waiting: {string.Join("; ", hopeless)}" };
                break;
            }

            if (singlePass || healthySince is not null || time.GetUtcNow() >= deadline)
            {
                break;
            }

            await Task.Delay(config.Interval, time, cancellationToken);
        }

        var logs = (await runner.RunAsync(compose.Logs(config.LogTail), cancellationToken)).StandardOutput;
        checks.Add(LogCheck(logs, compose.ProjectName, config, logsSince, healthySince));

        return new HealthReport([.. checks.Select(c => c.Passed ? c : WithEvidence(c, logs))]);
    }

    /// <summary>
    /// Error lines since <paramref name="since"/> are all reported; only those written after the stack proved
    /// healthy can fail the deploy. Restarts leave expected errors behind (nginx refused by a backend that is
    /// being replaced, PostgreSQL still starting up) which say nothing about the release now serving.
    /// </summary>
    /// <param name="logs">Compose's <c>logs --timestamps</c> output (a Swarm's through <see cref="LogScanner.FromSwarm"/>).</param>
    /// <param name="project">The compose project (or Swarm stack) whose prefix the container names carry.</param>
    public static CheckResult LogCheck(string logs, string project, HealthConfig config, DateTimeOffset? since, DateTimeOffset? healthySince)
    {
        var errors = LogScanner.FindErrors(logs, project, since);
        var afterHealthy = healthySince is null ? errors.Count : LogScanner.FindErrors(logs, project, healthySince).Count;
        var detail = errors.Count == 0
            ? $"no errors in the last {config.LogTail} lines of each service"
            : $"{errors.Count} error line(s) in the last {config.LogTail} lines"
              + (healthySince is null ? "" : afterHealthy == 0 ? ", none since the stack became healthy" : $", {afterHealthy} since the stack became healthy");
        return new CheckResult("logs", errors.Count == 0, detail)
        {
            Evidence = [.. errors.Select(Format)],
            Blocking = config.FailOnLogErrors && afterHealthy > 0,
        };
    }

    private static List<string> Hopeless(IReadOnlyList<ContainerState> states, Dictionary<string, int> firstRestarts) =>
        [.. states.Where(s => s.IsGoneForGood).Select(s => $"{s.Service} exited with code {s.ExitCode} and its restart policy ({(s.RestartPolicy.Length == 0 ? "none" : s.RestartPolicy)}) will not start it again")
            .Concat(states.Where(s => s.RestartCount - firstRestarts.GetValueOrDefault(s.Name, s.RestartCount) >= CrashLoopRestarts)
                .Select(s => $"{s.Service} restarted {s.RestartCount - firstRestarts[s.Name]} times while the checks ran (a crash loop)"))];

    /// <summary>
    /// Containers Docker judged unhealthy whose own healthcheck, run now, fails as well (so not one that recovered
    /// since Docker's last probe); one whose test the agent cannot run is taken at Docker's word.
    /// </summary>
    private async Task<List<string>> ConfirmedUnhealthyAsync(IReadOnlyList<ContainerState> states, CancellationToken cancellationToken)
    {
        var confirmed = new List<string>();
        foreach (var container in states.Where(s => s.IsUnhealthy))
        {
            if (!container.CanProbe || !(await runner.RunAsync(HealthCommands.ProbeNow(container), cancellationToken)).Succeeded)
            {
                confirmed.Add($"{container.Service} is unhealthy (Docker's healthcheck failed its retries"
                    + (container.CanProbe ? ", and fails when run now)" : ")"));
            }
        }

        return confirmed;
    }

    /// <summary>
    /// One round of the checks. They are independent and each is a command on the server, so they run at once: on a
    /// loaded host a round takes its slowest check, not the sum of them all.
    /// </summary>
    private async Task<List<CheckResult>> RunChecksAsync(IReadOnlyList<string> services, IReadOnlyList<ContainerState> states, CancellationToken cancellationToken)
    {
        // Docker's first probe comes a whole interval after a (re)start: the same test, run now, judges it sooner.
        var probes = states.Where(s => s.AwaitsFirstProbe)
            .Select(async container => (container.Name, Passed: (await runner.RunAsync(HealthCommands.ProbeNow(container), cancellationToken)).Succeeded)).ToList();
        var others = config.Http.Select(http => HttpAsync(runner, $"http {http.Url}", http, cancellationToken)).ToList();
        if (config.Frontend is { } frontend)
        {
            others.Add(HttpAsync(runner, $"frontend {frontend}", new HttpCheck(frontend), cancellationToken));
        }

        if (config.DatabaseService is { } database)
        {
            others.Add(DatabaseAsync(database, cancellationToken));
        }

        var probedNow = (await Task.WhenAll(probes)).Where(p => p.Passed).Select(p => p.Name).ToList();
        return [Containers(services, states, probedNow), .. await Task.WhenAll(others)];
    }

    private async Task<CheckResult> DatabaseAsync(string database, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(HealthCommands.PgIsReady(databaseCompose ?? compose, database), cancellationToken);
        var answer = (result.StandardOutput + result.StandardError).Trim();
        return new CheckResult($"database {database}", result.Succeeded,
            result.Succeeded ? "pg_isready: accepting connections" : $"pg_isready exit {result.ExitCode}: {LastLine(answer)}");
    }

    private static CheckResult Containers(IReadOnlyList<string> services, IReadOnlyList<ContainerState> states, IReadOnlyList<string> probedNow)
    {
        var problems = new List<string>();
        foreach (var service in services)
        {
            var containers = states.Where(s => s.Service == service).ToList();
            if (containers.Count == 0)
            {
                problems.Add($"{service} has no container");
            }

            problems.AddRange(containers.Where(c => !c.IsReady && !probedNow.Contains(c.Name)).Select(c => $"{service} is {c.Status}" + (c.Health == "none" ? "" : $" ({c.Health})")));
        }

        return problems.Count == 0
            ? new CheckResult("containers", true, $"{services.Count}/{services.Count} services running, healthy where checked ({string.Join(", ", services)})"
                + (probedNow.Count == 0 ? "" : $"; healthcheck run now for {string.Join(", ", states.Where(s => probedNow.Contains(s.Name)).Select(s => s.Service).Distinct())} (Docker's first probe pending)"))
            : new CheckResult("containers", false, string.Join("; ", problems));
    }

    /// <summary>One HTTP check, requested on the server itself (the Swarm deploy asks its published edge the same way).</summary>
    internal static async Task<CheckResult> HttpAsync(ICommandRunner runner, string name, HttpCheck check, CancellationToken cancellationToken)
    {
        var (status, body) = HealthCommands.ParseProbe((await runner.RunAsync(HealthCommands.HttpProbe(check.Url), cancellationToken)).StandardOutput);
        if (status != check.ExpectedStatus)
        {
            return new CheckResult(name, false, status == 0 ? $"no answer: {LastLine(body)}" : $"HTTP {status}, expected {check.ExpectedStatus}: {Shorten(body)}");
        }

        foreach (var (key, expected) in check.ExpectedJson)
        {
            var actual = JsonField(body, key);
            if (actual != expected)
            {
                return new CheckResult(name, false, $"HTTP {status} but \"{key}\" is {(actual is null ? "missing" : $"\"{actual}\"")}, expected \"{expected}\": {Shorten(body)}");
            }
        }

        return new CheckResult(name, true, check.ExpectedJson.Count == 0 ? $"HTTP {status}" : $"HTTP {status} {Shorten(body)}");
    }

    /// <summary>A failing service's last lines (error lines of all services go with the logs check).</summary>
    private CheckResult WithEvidence(CheckResult check, string logs)
    {
        if (check.Evidence.Count > 0 || check.Name != "containers")
        {
            return check;
        }

        var failing = LogScanner.Lines(logs, compose.ProjectName).Select(l => l.Service).Where(service => service.Length > 0).Distinct()
            .Where(service => check.Detail.Contains($"{service} ", StringComparison.Ordinal));
        return check with { Evidence = [.. failing.SelectMany(service => LogScanner.Tail(logs, compose.ProjectName, service, 10)).Select(Format)] };
    }

    private static string? JsonField(string body, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(key, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A log line as evidence: what a server printed may hold a secret, so it is masked.</summary>
    private static string Format(LogFinding finding) =>
        Redaction.Redact(finding.Service.Length == 0 ? finding.Line : $"{finding.Service} | {finding.Line}");

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "";

    private static string Shorten(string body)
    {
        var flat = Redaction.Redact(body.ReplaceLineEndings(" ").Trim());
        return flat.Length <= 120 ? flat : flat[..120] + "…";
    }
}
