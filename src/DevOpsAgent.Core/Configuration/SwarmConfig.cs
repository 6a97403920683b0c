namespace DevOpsAgent.Core.Configuration;

/// <summary>How Swarm publishes a service's tasks: a virtual IP behind IPVS (the default), or DNS round robin.</summary>
public enum SwarmEndpointMode
{
    Vip,
    Dnsrr,
}

/// <summary>
/// An environment run by Docker Swarm (<c>engine: swarm</c>): the agent talks to one manager (<c>server:</c>, or the
/// first of <c>hosts:</c>), builds the release's images once, pushes them to <see cref="Registry"/> and updates the
/// stack with <c>docker stack deploy</c>.
/// <code>
/// engine: swarm
/// registry: 10.77.0.1:5000      # required: every node pulls the release's images from it
/// swarm:
///   update_parallelism: 1       # tasks replaced at once (1..100)
///   monitor: 10s                # how long a new task must stay up before Swarm counts it as updated
///   endpoint_mode: dnsrr        # vip (default) | dnsrr, for kernels without IPVS (no routing mesh)
///   edge: true                  # an agent-managed HAProxy in front of the entry service (see SwarmEdgeConfig)
///   drain: 15s                  # how long a replaced task keeps serving after it left Swarm's DNS
///   wait_for_drain: true        # the deploy ends only once the replaced tasks have stopped (default false)
/// </code>
/// </summary>
public sealed record SwarmConfig
{
    public required string Registry { get; init; }

    public int UpdateParallelism { get; init; } = 1;

    public TimeSpan Monitor { get; init; } = TimeSpan.FromSeconds(10);

    public SwarmEndpointMode EndpointMode { get; init; } = SwarmEndpointMode.Vip;

    /// <summary>The agent-managed edge in front of the entry service; null: the entry service publishes its port itself.</summary>
    public SwarmEdgeConfig? Edge { get; init; }

    /// <summary>
    /// How long the old task of a start-first service keeps serving once Swarm has taken it out of DNS, before it
    /// is killed: longer than the DNS caches of its callers (nginx's <c>resolver … valid=</c>). Zero: the image's own
    /// stop signal at once (Swarm's default). Defaults to 15s with the edge, else zero.
    /// </summary>
    public TimeSpan Drain { get; init; }

    /// <summary>
    /// The deploy reports success only once the tasks the update replaced have stopped (their drain is over), so that
    /// from then on only the new release answers; false: as soon as the new tasks are healthy, the old ones still
    /// serving their callers' cached addresses for up to <see cref="Drain"/>.
    /// </summary>
    public bool WaitForDrain { get; init; }

    /// <summary>The longest drain accepted: a replaced task lingers that long on its node.</summary>
    public static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(10);

    internal static SwarmConfig? Read(ConfigReader reader, ConfigMapping environment)
    {
        var engine = reader.String(environment, "engine") ?? "compose";
        if (engine is not ("compose" or "swarm"))
        {
            reader.Problem(environment["engine"]!, "should be compose or swarm");
            return null;
        }

        if (engine == "compose")
        {
            if (environment["swarm"] is { } swarmNode)
            {
                reader.Problem(swarmNode, "only with engine: swarm");
            }

            if (environment["registry"] is { } registryNode && environment["hosts"] is null)
            {
                // One server builds for itself: a registry is what several hosts share the release's images through.
                reader.Problem(registryNode, "only with engine: swarm or hosts:");
            }

            return null;
        }

        if (environment["zero_downtime"] is { } zeroDowntime)
        {
            // Swarm replaces tasks itself (start-first); blue/green slots behind the agent's edge are a compose thing.
            reader.Problem(zeroDowntime, "not with engine: swarm (Swarm's start-first updates replace it)");
        }

        var registry = reader.RequiredString(environment, "registry");
        if (registry.Length > 0 && !IsRegistry(registry))
        {
            reader.Problem(environment["registry"]!, "should be a registry host[:port], e.g. 10.77.0.1:5000");
        }

        var defaults = new SwarmConfig { Registry = registry };
        var swarm = reader.Mapping(environment["swarm"]);
        if (swarm is null)
        {
            return defaults;
        }

        reader.AllowOnly(swarm, "update_parallelism", "monitor", "endpoint_mode", "edge", "drain", "wait_for_drain");
        var mode = reader.String(swarm, "endpoint_mode");
        if (mode is not (null or "vip" or "dnsrr"))
        {
            reader.Problem(swarm["endpoint_mode"]!, "should be vip or dnsrr");
        }

        var edge = SwarmEdgeConfig.Read(reader, swarm);
        var drain = reader.Duration(swarm, "drain", edge is null ? TimeSpan.Zero : SwarmEdgeConfig.DefaultDrain);
        if (drain < TimeSpan.Zero || drain > MaxDrain || drain.TotalMilliseconds % 1 != 0)
        {
            reader.Problem(swarm["drain"]!, $"should be from 0s to {(int)MaxDrain.TotalMinutes}m");
            drain = TimeSpan.Zero;
        }

        var waitForDrain = reader.Boolean(swarm, "wait_for_drain", false);
        if (waitForDrain && drain == TimeSpan.Zero && swarm["wait_for_drain"] is { } waitNode)
        {
            reader.Problem(waitNode, "needs a drain (swarm: drain: 15s, or edge: true): without one a replaced task stops at once");
        }

        return defaults with
        {
            WaitForDrain = waitForDrain,
            UpdateParallelism = reader.Integer(swarm, "update_parallelism", defaults.UpdateParallelism, 1, 100),
            Monitor = reader.Duration(swarm, "monitor", defaults.Monitor),
            EndpointMode = mode == "dnsrr" ? SwarmEndpointMode.Dnsrr : SwarmEndpointMode.Vip,
            Edge = edge,
            Drain = drain,
        };
    }

    /// <summary>
    /// A compose fleet's optional <c>registry:</c> (<see cref="EnvironmentConfig.Registry"/>): the first host builds the
    /// release's images once and pushes them there, the other hosts pull them. Null without <c>hosts:</c> (refused by
    /// <see cref="Read"/>) and for <c>engine: swarm</c>, whose registry is <see cref="Registry"/>.
    /// </summary>
    internal static string? ReadFleetRegistry(ConfigReader reader, ConfigMapping environment)
    {
        if ((reader.String(environment, "engine") ?? "compose") != "compose" || environment["hosts"] is null)
        {
            return null;
        }

        var registry = reader.String(environment, "registry");
        if (registry is { Length: > 0 } && !IsRegistry(registry))
        {
            reader.Problem(environment["registry"]!, "should be a registry host[:port], e.g. 10.77.0.1:5000");
            return null;
        }

        return registry is { Length: > 0 } ? registry : null;
    }

    private static bool IsRegistry(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':')
        && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1])
        && value.Count(c => c == ':') <= 1;
}
