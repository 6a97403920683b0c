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
/// </code>
/// </summary>
public sealed record SwarmConfig
{
    public required string Registry { get; init; }

    public int UpdateParallelism { get; init; } = 1;

    public TimeSpan Monitor { get; init; } = TimeSpan.FromSeconds(10);

    public SwarmEndpointMode EndpointMode { get; init; } = SwarmEndpointMode.Vip;

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

        reader.AllowOnly(swarm, "update_parallelism", "monitor", "endpoint_mode");
        var mode = reader.String(swarm, "endpoint_mode");
        if (mode is not (null or "vip" or "dnsrr"))
        {
            reader.Problem(swarm["endpoint_mode"]!, "should be vip or dnsrr");
        }

        return defaults with
        {
            UpdateParallelism = reader.Integer(swarm, "update_parallelism", defaults.UpdateParallelism, 1, 100),
            Monitor = reader.Duration(swarm, "monitor", defaults.Monitor),
            EndpointMode = mode == "dnsrr" ? SwarmEndpointMode.Dnsrr : SwarmEndpointMode.Vip,
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
