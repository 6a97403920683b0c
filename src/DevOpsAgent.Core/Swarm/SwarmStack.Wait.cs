using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Swarm;

/// <summary>Swarm update failed or rolled back: which service, its state and its last task error.</summary>
public sealed class SwarmUpdateFailedException(string message) : DevOpsAgentException(message, ExitCodes.HealthCheckFailed);

public sealed partial class SwarmStack
{
    /// <summary>
    /// Waits until every service of <paramref name="stack"/> runs the image the stack file gives it, its update (if its
    /// spec changed) began after <paramref name="before"/> and completed, and all its tasks run. Swarm rolling an update
    /// back (or pausing it) fails at once, naming the service and its last task error: <c>stack deploy</c> itself
    /// exited 0.
    /// </summary>
    public async Task<string> WaitForUpdateAsync(
        SwarmStackFile stack, IReadOnlyDictionary<string, string> expectedImages, IReadOnlyDictionary<string, SwarmServiceState> before, CancellationToken ct)
    {
        // Swarm's own monitor runs per batch of tasks before it calls an update completed.
        var allowed = environment.Health.Timeout + Swarm.Monitor * 2;
        var deadline = steps.Time.GetUtcNow() + allowed;
        while (true)
        {
            var states = await StatesAsync(ct);
            var waiting = new List<string>();
            foreach (var service in stack.Services)
            {
                if (!states.TryGetValue(service, out var state))
                {
                    waiting.Add($"{service} not created yet");
                    continue;
                }

                if (state.RolledBackSince(before.GetValueOrDefault(service)))
                {
                    var tasks = (await steps.Runner.RunAsync(Commands.Tasks(service), ct)).StandardOutput;
                    throw new SwarmUpdateFailedException(
                        $"Swarm did not take the update of {service} ({state.UpdateState}, running {state.Image})"
                        + (SwarmServiceState.LastError(tasks) is { } error ? $": {Secrets.Redaction.Redact(error)}" : ""));
                }

                var changed = !before.TryGetValue(service, out var previous) || previous.Image != expectedImages[service];
                if (state.Image != expectedImages[service])
                {
                    waiting.Add($"{service} runs {state.Image}, not yet {expectedImages[service]}");
                }
                else if (state.Updating || (changed && previous is not null && (previous.UpdateStartedAt == state.UpdateStartedAt
                    // Swarm clears UpdateStatus when the spec changes, until its updater starts: not updated yet.
                    || (state.UpdateState == "none" && previous.UpdateState != "none"))))
                {
                    waiting.Add($"{service} updating ({state.Replicas})");
                }
                else if (!state.Converged)
                {
                    waiting.Add($"{service} starting ({state.Replicas})");
                }
            }

            if (waiting.Count == 0 || dryRun)
            {
                return $"{stack.Services.Count} service(s) updated and running: "
                    + string.Join(", ", stack.Services.Select(s => states.TryGetValue(s, out var st) ? $"{s} {st.Replicas}" : s));
            }

            if (steps.Time.GetUtcNow() >= deadline)
            {
                throw new SwarmUpdateFailedException($"the stack did not settle in {(long)allowed.TotalSeconds}s: {string.Join("; ", waiting)}");
            }

            await Task.Delay(environment.Health.Interval, steps.Time, ct);
        }
    }

    /// <summary>
    /// Waits until no task the update replaced is still running (<c>wait_for_drain</c>): from then on only the new
    /// release answers. Bounded by the drain and a minute more; a task still running then is reported, not failed (the
    /// new release is healthy and serves).
    /// </summary>
    public async Task<string> WaitForDrainAsync(SwarmStackFile stack, CancellationToken ct)
    {
        var started = steps.Time.GetTimestamp();
        var deadline = steps.Time.GetUtcNow() + Swarm.Drain + TimeSpan.FromMinutes(1);
        while (true)
        {
            var draining = (await steps.Runner.RunAsync(Commands.ReplacedTasks(stack.Services), ct)).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('\t'))
                .Where(fields => fields.Length == 2 && fields[1].StartsWith("Running", StringComparison.Ordinal))
                .Select(fields => fields[0])
                .ToList();
            var waited = steps.Time.GetElapsedTime(started).TotalSeconds;
            if (draining.Count == 0 || dryRun)
            {
                return $"replaced tasks stopped after {waited:0.0}s: only the new release answers";
            }

            if (steps.Time.GetUtcNow() >= deadline)
            {
                return $"still running after {waited:0}s (drain {Swarm.Drain.TotalSeconds:0}s): {string.Join(", ", draining)}";
            }

            await Task.Delay(environment.Health.Interval, steps.Time, ct);
        }
    }

    /// <summary>Waits until each service runs <paramref name="images"/>' image again, its rollback finished and its tasks run.</summary>
    public async Task<string> WaitForRollbackAsync(SwarmStackFile stack, IReadOnlyDictionary<string, string> images, CancellationToken ct)
    {
        var allowed = environment.Health.Timeout + Swarm.Monitor * 2;
        var deadline = steps.Time.GetUtcNow() + allowed;
        while (true)
        {
            var states = await StatesAsync(ct);
            var waiting = stack.Services.Where(s => !states.TryGetValue(s, out var st) || st.Image != images[s] || st.Updating || st.UpdateState == "rollback_started" || !st.Converged)
                .Select(s => states.TryGetValue(s, out var st) ? $"{s} {st.UpdateState} {st.Replicas} running {st.Image}" : $"{s} missing").ToList();
            if (waiting.Count == 0 || dryRun)
            {
                return $"{stack.Services.Count} service(s) back on their previous images";
            }

            if (steps.Time.GetUtcNow() >= deadline)
            {
                throw new SwarmUpdateFailedException($"the rollback did not settle in {(long)allowed.TotalSeconds}s: {string.Join("; ", waiting)}");
            }

            await Task.Delay(environment.Health.Interval, steps.Time, ct);
        }
    }

    /// <summary>
    /// The compose path's checks, on the manager: every service's tasks running, each HTTP endpoint and the frontend
    /// root through the published edge, and pg_isready in the database's task; polled until all pass or the deadline.
    /// Then the services' logs are scanned as the compose path scans them: error lines since <paramref name="logsSince"/>
    /// are shown, and with <c>logs: fail_on_errors</c> those written since the checks passed fail the deploy.
    /// </summary>
    public async Task<HealthReport> VerifyHealthAsync(SwarmStackFile stack, bool singlePass, CancellationToken ct, DateTimeOffset? logsSince = null)
    {
        var deadline = steps.Time.GetUtcNow() + environment.Health.Timeout;
        while (true)
        {
            var roundStarted = steps.Time.GetUtcNow();
            var checks = new List<CheckResult>();
            var states = await StatesAsync(ct);
            var notRunning = stack.Services.Where(s => !states.TryGetValue(s, out var st) || !st.Converged)
                .Select(s => states.TryGetValue(s, out var st) ? $"{s} {st.Replicas}" : $"{s} missing").ToList();
            checks.Add(notRunning.Count == 0
                ? new CheckResult("services", true, $"{stack.Services.Count}/{stack.Services.Count} services running ({string.Join(", ", stack.Services.Select(s => $"{s} {states[s].Replicas}"))})")
                : new CheckResult("services", false, string.Join("; ", notRunning)));
            foreach (var http in environment.Health.Http)
            {
                checks.Add(await HealthVerifier.HttpAsync(steps.Runner, $"http {http.Url}", http, ct));
            }

            if (environment.Health.Frontend is { } frontend)
            {
                checks.Add(await HealthVerifier.HttpAsync(steps.Runner, $"frontend {frontend}", new Configuration.HttpCheck(frontend), ct));
            }

            if (environment.Health.DatabaseService is { } database && stack.Services.Contains(database))
            {
                var result = await steps.Runner.RunAsync(Commands.PgIsReady(database), ct);
                var answer = (result.StandardOutput + result.StandardError).Trim().Split('\n').LastOrDefault() ?? "";
                checks.Add(new CheckResult($"database {database}", result.Succeeded,
                    result.Succeeded ? "pg_isready: accepting connections" : $"pg_isready exit {result.ExitCode}: {Secrets.Redaction.Redact(answer)}"));
            }

            var report = new HealthReport(checks);
            if (report.Healthy || singlePass || steps.Time.GetUtcNow() >= deadline)
            {
                var logs = LogScanner.FromSwarm((await steps.Runner.RunAsync(Commands.LogsOf(stack.Services, environment.Health.LogTail), ct)).StandardOutput);
                checks.Add(HealthVerifier.LogCheck(logs, Commands.Stack, environment.Health, logsSince, report.Healthy ? roundStarted : null));
                report = new HealthReport(checks);
                foreach (var check in checks)
                {
                    steps.Observer.CheckReported(check);
                }

                return report;
            }

            await Task.Delay(environment.Health.Interval, steps.Time, ct);
        }
    }
}
