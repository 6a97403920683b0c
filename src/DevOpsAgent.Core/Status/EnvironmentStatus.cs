using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Status;

/// <summary>What an environment's server says about itself right now.</summary>
public sealed record EnvironmentStatus(string Environment, string Target, ServerRelease? Release, IReadOnlyList<ServiceStatus> Services)
{
    /// <summary>An operation in progress (the lock is held), or one the server's journal records as interrupted; null when neither.</summary>
    public string? Operation { get; init; }

    /// <summary>Zero downtime: the slot (blue or green) the edge sends traffic to; null for a single compose project.</summary>
    public string? LiveSlot { get; init; }

    public bool AllHealthy => Services.Count > 0 && Services.All(s => s.Ready);

    /// <summary>The seed's answer: "All services running, healthy", or which are not and why.</summary>
    public string Summary =>
        Services.Count == 0 ? "Nothing is running."
        : AllHealthy ? "All services running, healthy."
        : "Not healthy: " + string.Join("; ", Services.Where(s => !s.Ready).Select(s => $"{s.Service} is {s.State}"));

    public static async Task<EnvironmentStatus> ReadAsync(ICommandRunner runner, EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        var compose = await ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken);
        var release = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), cancellationToken)).StandardOutput);
        if (release?.Slot is { } live && environment.ZeroDowntime is not null)
        {
            // Zero downtime: what serves is the data project, the live slot and the edge (the other slot is stopped and kept).
            string[] projects = [$"{compose.ProjectName}-data", $"{compose.ProjectName}-{live}", $"{compose.ProjectName}-edge"];
            var inspect = ShellCommand.Raw(string.Join(" ; ", projects.Select(p =>
                $"docker ps -aq --filter {ShellQuoting.Quote($"label=com.docker.compose.project={p}")} --filter label=com.docker.compose.oneoff=False | xargs -r docker inspect --format {ShellQuoting.Quote(ContainerState.Format)}")));
            var running = ContainerState.ParseAll((await runner.RunAsync(inspect, cancellationToken)).StandardOutput);
            return new EnvironmentStatus(environment.Name, runner.Target, release, [.. Statuses(running.Select(c => c.Service).Distinct(), running, await ProbedNowAsync(runner, running, cancellationToken))])
            {
                Operation = await OperationAsync(runner, environment, cancellationToken),
                LiveSlot = live,
            };
        }

        var containers = ContainerState.ParseAll((await runner.RunAsync(ContainerState.Inspect(compose), cancellationToken)).StandardOutput);
        var defined = await runner.RunAsync(compose.Services(), cancellationToken);
        var names = defined.Succeeded
            ? defined.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. containers.Select(c => c.Service).Distinct()];

        return new EnvironmentStatus(environment.Name, runner.Target, release, [.. Statuses(names, containers, await ProbedNowAsync(runner, containers, cancellationToken))])
        {
            Operation = await OperationAsync(runner, environment, cancellationToken),
        };
    }

    /// <summary>
    /// Docker's first probe comes a whole interval after a (re)start: a container still "starting" is judged by its own
    /// healthcheck run now, as the deploy's health verification does, so status right after a deploy agrees with it.
    /// </summary>
    private static async Task<HashSet<string>> ProbedNowAsync(ICommandRunner runner, IReadOnlyList<ContainerState> containers, CancellationToken cancellationToken)
    {
        var passed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers.Where(c => c.AwaitsFirstProbe))
        {
            if ((await runner.RunAsync(Health.HealthCommands.ProbeNow(container), cancellationToken)).Succeeded)
            {
                passed.Add(container.Name);
            }
        }

        return passed;
    }

    private static IEnumerable<ServiceStatus> Statuses(IEnumerable<string> names, IReadOnlyList<ContainerState> containers, IReadOnlySet<string> probedNow) => names.Select(name =>
    {
        var mine = containers.Where(c => c.Service == name).ToList();
        return mine.Count == 0
            ? new ServiceStatus(name, "not running", false)
            : new ServiceStatus(name,
                string.Join(", ", mine.Select(c => c.Health == "none" ? c.Status
                    : probedNow.Contains(c.Name) ? $"{c.Status} (starting; its healthcheck passes when run now)"
                    : $"{c.Status} ({c.Health})")),
                mine.All(c => c.IsReady || probedNow.Contains(c.Name)));
    });

    private static async Task<string?> OperationAsync(ICommandRunner runner, EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        var lease = await Locks.DeployLock.StatusAsync(runner, environment.Path, Locks.DeployLock.DefaultStaleAfter, cancellationToken);
        if (lease.State == Locks.LockState.Held)
        {
            return $"in progress: {lease.Describe()}";
        }

        var journal = OperationJournal.Parse((await runner.RunAsync(OperationJournal.Read(environment.Path), cancellationToken)).StandardOutput);
        return journal is null ? null
            : $"INTERRUPTED: {journal.Describe()}; `devops-agent rollback {environment.Name}` brings it back to its recorded release";
    }
}

public sealed record ServiceStatus(string Service, string State, bool Ready);
