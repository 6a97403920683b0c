namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// One stack service as Swarm reports it: the image its spec runs, its update state and when that update started
/// (what tells an update that began from one that has not yet), and its replicas (<c>1/1</c>, <c>3/3</c> global).
/// </summary>
public sealed record SwarmServiceState(string Service, string Image, string UpdateState, string UpdateStartedAt, string Replicas)
{
    /// <summary>States after which Swarm put the previous spec back (or stopped half-way): the update did not take.</summary>
    public bool RolledBack => UpdateState is "rollback_started" or "rollback_completed" or "rollback_paused" or "paused";

    public bool Updating => UpdateState is "updating";

    /// <summary>
    /// Whether Swarm rolled this service back (or paused it) since <paramref name="before"/>: a rollback state it already
    /// had then (a previous deploy's, same update start and image) is not this deploy's.
    /// </summary>
    public bool RolledBackSince(SwarmServiceState? before) =>
        RolledBack && (before is null || !before.RolledBack || before.UpdateStartedAt != UpdateStartedAt || before.Image != Image);

    /// <summary>Every task the service wants is running (<c>2/2</c>; a replicated job's counts do not apply).</summary>
    public bool Converged
    {
        get
        {
            var parts = Replicas.Split(' ')[0].Split('/');
            return parts.Length == 2 && parts[0] == parts[1] && parts[0] != "0";
        }
    }

    /// <summary>
    /// The stack's services from <see cref="SwarmCommands.Services"/> (name, mode, replicas) and
    /// <see cref="SwarmCommands.Inspect"/> (name, image, state, started), keyed by service name without the stack prefix.
    /// With <paramref name="running"/> (<see cref="SwarmCommands.RunningTasks"/>), the running side of the replicas counts
    /// only the tasks Swarm wants running.
    /// </summary>
    public static IReadOnlyDictionary<string, SwarmServiceState> Parse(string stack, string services, string inspect, string? running = null)
    {
        var replicas = Lines(services).Select(l => l.Split(' ', 3)).Where(p => p.Length == 3).ToDictionary(p => p[0], p => p[2]);
        if (running is not null)
        {
            var counts = Lines(running).Select(l => l.Split('\t')).Where(p => p.Length >= 2 && p[1].StartsWith("Running", StringComparison.Ordinal))
                .GroupBy(p => p[0][..Math.Max(p[0].LastIndexOf('.'), 0)]).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (name, text) in replicas.ToList())
            {
                var slash = text.IndexOf('/');
                replicas[name] = slash < 0 ? text : $"{counts.GetValueOrDefault(name)}{text[slash..]}";
            }
        }

        var states = new Dictionary<string, SwarmServiceState>(StringComparer.Ordinal);
        foreach (var parts in Lines(inspect).Select(l => l.Split('\t')).Where(p => p.Length >= 3))
        {
            var name = parts[0].StartsWith(stack + "_", StringComparison.Ordinal) ? parts[0][(stack.Length + 1)..] : parts[0];
            states[name] = new SwarmServiceState(name, parts[1], parts[2], parts.Length > 3 ? parts[3] : "", replicas.GetValueOrDefault(parts[0], "0/0"));
        }

        return states;
    }

    /// <summary>The stack's service names (with the stack prefix) from <see cref="SwarmCommands.Services"/>.</summary>
    public static IReadOnlyList<string> Names(string services) => [.. Lines(services).Select(l => l.Split(' ')[0])];

    /// <summary>The most recent task error of <see cref="SwarmCommands.Tasks"/>' output, e.g. <c>task: non-zero exit (1)</c>.</summary>
    public static string? LastError(string tasks) =>
        Lines(tasks).Select(l => l.Split('\t')).Where(p => p.Length >= 6 && p[5].Trim().Length > 0).Select(p => $"{p[0]} on {p[2]}: {p[5].Trim()}").FirstOrDefault();

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
