using System.Globalization;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.ZeroDowntime;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// The user's compose file made into a stack file for <c>docker stack deploy</c>, uninterpolated (no .env value is
/// ever written into it: the values reach <c>stack deploy</c> from the protected .env at deploy time). Services
/// with <c>build:</c> run the image built once and pushed (<see cref="ImageFor"/>); every service updates
/// <c>start-first</c> with <c>failure_action: rollback</c> — except a stateful one (a database on a named volume,
/// which two tasks must never share) and, with <c>dnsrr</c>, one publishing a port (a host-mode port cannot be bound
/// twice on a node), which update <c>stop-first</c>. Keys Swarm rejects or ignores (build, container_name,
/// depends_on, restart, profiles, …) are dropped or translated. Pure: renders text, runs nothing.
/// </summary>
public sealed partial class SwarmStackFile
{
    /// <summary>The service keys the Compose file format 3.8 schema allows (the one <c>docker stack deploy</c> validates against).</summary>
    private static readonly HashSet<string> SwarmServiceKeys =
    [
        "cap_add", "cap_drop", "cgroup_parent", "command", "configs", "credential_spec", "deploy", "devices", "dns", "dns_search",
        "domainname", "entrypoint", "env_file", "environment", "expose", "external_links", "extra_hosts", "healthcheck", "hostname",
        "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "network_mode", "networks", "pid", "ports",
        "privileged", "read_only", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "sysctls",
        "tmpfs", "tty", "ulimits", "user", "userns_mode", "volumes", "working_dir",
    ];

    private readonly IReadOnlyDictionary<string, ComposeService> _services;

    private SwarmStackFile(string text, IReadOnlyList<string> built, IReadOnlyList<string> services, IReadOnlyList<string> notes, IReadOnlyDictionary<string, ComposeService> model, SwarmEdgeTarget? edge)
    {
        _services = model;
        Edge = edge;
        Text = text;
        Built = built;
        Services = services;
        Notes = notes;
    }

    /// <summary>The stack file.</summary>
    public string Text { get; }

    /// <summary>The services built from the release's code (and pushed), in file order.</summary>
    public IReadOnlyList<string> Built { get; }

    /// <summary>Every service of the stack, in file order.</summary>
    public IReadOnlyList<string> Services { get; }

    /// <summary>What was dropped or changed that a user may rely on (<c>services/x/container_name: dropped</c>).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The image a built service runs: <c>&lt;registry&gt;/&lt;project&gt;-&lt;service&gt;:&lt;release&gt;</c>.</summary>
    public static string ImageFor(string registry, string project, string service, string release) =>
        $"{registry}/{project.ToLowerInvariant()}-{service.ToLowerInvariant()}:{release}";

    /// <summary>The stack file of one compose file.</summary>
    public static SwarmStackFile From(ProjectFile compose, string project, string release, SwarmConfig swarm, string? stack = null) =>
        From([compose], project, release, swarm, stack);

    /// <summary>The stack file of the environment's compose files, merged as compose merges them.</summary>
    /// <param name="stack">The stack's name (the environment's compose project); the edge's network is named after it.</param>
    public static SwarmStackFile From(IReadOnlyList<ProjectFile> files, string project, string release, SwarmConfig swarm, string? stack = null)
    {
        var parsed = files.ToDictionary(f => f.Path, ComposeFile.Parse, StringComparer.Ordinal);
        var model = files.Count == 1 ? parsed[files[0].Path] : ComposeModel.Build(ComposeSet.Of([.. files.Select(f => f.Path)], production: true), parsed);
        if (model.Section("services") is not { Children.Count: > 0 })
        {
            throw new InvalidInputException($"{string.Join(", ", files.Select(f => f.Path))}: no services to deploy on the Swarm");
        }

        var named = SlotLayout.NamedVolumes(model);
        var edge = EdgeTarget(model, swarm, stack ?? project);
        var notes = new List<string>();
        var built = new List<string>();
        var services = new YamlMappingNode();
        foreach (var service in model.Services)
        {
            if (service["build"] is not null)
            {
                built.Add(service.Name);
            }

            services.Add(service.Name, Service(service, SlotLayout.LooksStateful(service, named), service.Name == edge?.Service, project, release, swarm, notes));
        }

        if (model.Services.Any(s => s["networks"] is null && s["network_mode"] is null))
        {
            // The stack's default network, attachable like the others so the one-off migration container can join it.
            var networks = model.Section("networks") ?? new YamlMappingNode();
            if (!networks.Children.ContainsKey(new YamlScalarNode("default")))
            {
                networks.Add("default", new YamlMappingNode());
                model.Root.Children[new YamlScalarNode("networks")] = networks;
            }
        }

        var root = new YamlMappingNode { { "version", new YamlScalarNode("3.8") { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } }, { "services", services } };
        foreach (var (key, value) in model.Root.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            switch (name)
            {
                case "services" or "version":
                    break;
                case "networks":
                    root.Add(key, Networks((YamlMappingNode)value, notes));
                    break;
                case "volumes" or "secrets" or "configs":
                    root.Add(key, value);
                    break;
                default:
                    if (name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        root.Add(key, value);
                    }
                    else
                    {
                        notes.Add($"{name}: dropped (not a stack file key)");
                    }

                    break;
            }
        }

        if (edge is not null)
        {
            AddEdgeNetwork(root, edge);
        }

        return new SwarmStackFile(Render(root), built, [.. model.Services.Select(s => s.Name)], notes, model.Services.ToDictionary(s => s.Name), edge);
    }

    /// <summary>The same stack file, its service list cut to <paramref name="services"/> (what a rollback waits on and checks).</summary>
    public SwarmStackFile Only(IEnumerable<string> services)
    {
        var keep = services.ToHashSet(StringComparer.Ordinal);
        return new SwarmStackFile(Text, [.. Built.Where(keep.Contains)], [.. Services.Where(keep.Contains)], Notes, _services, Edge);
    }

    /// <summary>
    /// The network (its key in the file) a one-off container of <paramref name="service"/> joins to reach
    /// <paramref name="database"/>: the first network they share, else the service's first.
    /// </summary>
    public string NetworkOf(string service, string? database)
    {
        static IReadOnlyList<string> Of(ComposeService? s) => s?["networks"] switch
        {
            YamlSequenceNode list => [.. list.Children.OfType<YamlScalarNode>().Select(n => n.Value!)],
            YamlMappingNode map => [.. map.Children.Keys.OfType<YamlScalarNode>().Select(n => n.Value!)],
            _ => ["default"],
        };

        var own = Of(Service(service));
        var theirs = database is not null && _services.TryGetValue(database, out var db) ? Of(db) : [];
        return own.FirstOrDefault(theirs.Contains) ?? own[0];
    }

    /// <summary>
    /// The variables <paramref name="service"/> declares (<c>environment:</c>): by name only, with the value they are
    /// written with when it holds no <c>$</c> (a value from .env is passed by name, from the sourced .env, never written).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string?>> EnvironmentOf(string service)
    {
        IEnumerable<KeyValuePair<string, string?>> entries = Service(service)["environment"] switch
        {
            YamlMappingNode map => map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, (c.Value as YamlScalarNode)?.Value)),
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(i => i.Value!.Split('=', 2))
                .Select(p => KeyValuePair.Create(p[0], p.Length > 1 ? p[1] : null)),
            _ => [],
        };
        return [.. entries.Select(e => e.Value is null || e.Value.Contains('$') ? KeyValuePair.Create(e.Key, (string?)null) : e)];
    }

    /// <summary>The image <paramref name="service"/> runs in the stack file.</summary>
    public string ImageOf(string service, string registry, string project, string release) =>
        Service(service)["build"] is not null ? ImageFor(registry, project, service, release)
        : (Service(service)["image"] as YamlScalarNode)?.Value ?? throw new InvalidInputException($"services/{service}: neither build nor image");

    private ComposeService Service(string name) =>
        _services.TryGetValue(name, out var service) ? service
        : throw new InvalidInputException($"'{InputText.Quote(name)}' is not a service of the compose files ({string.Join(", ", _services.Keys)})");

    private static YamlMappingNode Service(ComposeService service, bool stateful, bool entry, string project, string release, SwarmConfig swarm, List<string> notes)
    {
        var copy = new YamlMappingNode();
        YamlMappingNode? userDeploy = null;
        string? restart = null;
        var publishes = false;
        foreach (var (key, value) in service.Node.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            switch (name)
            {
                case "build":
                    copy.Children[new YamlScalarNode("image")] = ImageFor(swarm.Registry, project, service.Name, release);
                    break;
                case "image" when service["build"] is not null:
                    break;
                case "restart":
                    restart = (value as YamlScalarNode)?.Value;
                    break;
                case "deploy":
                    userDeploy = value as YamlMappingNode;
                    break;
                case "depends_on":
                    // Swarm starts every service at once and ignores the order; the health checks and restarts converge.
                    break;
                case "ports" when entry:
                    // The edge publishes it: a task without a host port can start next to the one it replaces.
                    break;
                case "networks" when entry:
                    copy.Add(key, WithEdgeNetwork(value));
                    break;
                case "ports":
                    publishes = true;
                    copy.Add(key, swarm.EndpointMode == SwarmEndpointMode.Dnsrr ? HostModePorts(service, (YamlSequenceNode)value, notes) : value);
                    break;
                case var other when SwarmServiceKeys.Contains(other) || other.StartsWith("x-", StringComparison.Ordinal):
                    copy.Add(key, value);
                    break;
                default:
                    notes.Add($"services/{service.Name}/{name}: dropped (Swarm does not support it)");
                    break;
            }
        }

        if (entry && service["networks"] is null && service["network_mode"] is null)
        {
            copy.Add("networks", new YamlSequenceNode(new YamlScalarNode("default"), new YamlScalarNode(EdgeNetworkKey)));
        }

        var hostPorts = publishes && swarm.EndpointMode == SwarmEndpointMode.Dnsrr;
        if (!stateful && !hostPorts && swarm.Drain > TimeSpan.Zero)
        {
            Drain(service, copy, swarm.Drain, notes);
        }

        copy.Add("deploy", Deploy(userDeploy, restart, stateful, hostPorts, swarm));
        return copy;
    }

    private static YamlMappingNode Deploy(YamlMappingNode? user, string? restart, bool stateful, bool edge, SwarmConfig swarm)
    {
        bool UserSets(string key) => user?.Children.ContainsKey(new YamlScalarNode(key)) == true;
        var deploy = new YamlMappingNode();
        foreach (var (key, value) in user?.Children.ToList() ?? [])
        {
            if (((YamlScalarNode)key).Value is not ("update_config" or "rollback_config" or "endpoint_mode"))
            {
                deploy.Add(key, value);
            }
        }

        if (edge && !UserSets("mode"))
        {
            // Without the routing mesh, the edge answers on every node's own port: one task per node.
            deploy.Add("mode", "global");
        }

        if (restart is not null && !UserSets("restart_policy"))
        {
            deploy.Add("restart_policy", RestartPolicy(restart));
        }

        if (stateful && !UserSets("placement"))
        {
            // A named volume is local to its node: the database stays where its data is (the manager the agent talks to).
            deploy.Add("placement", new YamlMappingNode { { "constraints", new YamlSequenceNode(new YamlScalarNode("node.role == manager")) } });
        }

        var order = stateful || edge ? "stop-first" : "start-first";
        var monitor = GoDuration(swarm.Monitor);
        deploy.Add("update_config", new YamlMappingNode
        {
            { "parallelism", swarm.UpdateParallelism.ToString(CultureInfo.InvariantCulture) },
            { "order", order },
            { "failure_action", "rollback" },
            { "monitor", monitor },
        });
        deploy.Add("rollback_config", new YamlMappingNode
        {
            { "parallelism", swarm.UpdateParallelism.ToString(CultureInfo.InvariantCulture) },
            { "order", order },
            { "monitor", monitor },
        });
        deploy.Add("endpoint_mode", swarm.EndpointMode == SwarmEndpointMode.Dnsrr ? "dnsrr" : "vip");
        return deploy;
    }

    private static YamlMappingNode RestartPolicy(string restart)
    {
        var (condition, attempts) = restart.Split(':') switch
        {
            ["no"] => ("none", null),
            ["on-failure"] => ("on-failure", null),
            ["on-failure", var n] => ("on-failure", n),
            _ => ("any", (string?)null),
        };
        var policy = new YamlMappingNode { { "condition", condition } };
        if (attempts is not null)
        {
            policy.Add("max_attempts", attempts);
        }

        return policy;
    }

    /// <summary>dnsrr services cannot publish through the ingress mesh: each port is bound on the node of its task.</summary>
    private static YamlSequenceNode HostModePorts(ComposeService service, YamlSequenceNode ports, List<string> notes)
    {
        var converted = new YamlSequenceNode();
        foreach (var item in ports.Children)
        {
            if (item is YamlMappingNode map)
            {
                var copy = new YamlMappingNode(map.Children.Where(c => ((YamlScalarNode)c.Key).Value != "mode"));
                copy.Add("mode", "host");
                converted.Add(copy);
                continue;
            }

            var text = (item as YamlScalarNode)?.Value ?? "";
            var mapping = PortMapping.Parse(text)
                ?? throw new InvalidInputException($"services/{service.Name}/ports: '{InputText.Quote(text)}' publishes no host port; with endpoint_mode dnsrr give one (published:target)");
            var (ip, published) = SplitHost(mapping.Host);
            var port = new YamlMappingNode
            {
                { "target", mapping.ContainerPort.ToString(CultureInfo.InvariantCulture) },
                { "published", published },
                { "protocol", mapping.Protocol },
                { "mode", "host" },
            };
            if (ip is not null)
            {
                // The 3.8 schema has no host_ip: a host-mode port listens on every address of its node.
                notes.Add($"services/{service.Name}/ports: {InputText.Quote(text)} listens on every address of its node, not only {InputText.Quote(ip)}");
            }

            converted.Add(port);
        }

        return converted;
    }

    private static (string? Ip, string Published) SplitHost(string host)
    {
        var depth = 0;
        for (var i = host.Length - 1; i >= 0; i--)
        {
            depth += host[i] == '}' ? 1 : host[i] == '{' ? -1 : 0;
            if (host[i] == ':' && depth == 0)
            {
                return (host[..i], host[(i + 1)..]);
            }
        }

        return (null, host);
    }

    private static YamlMappingNode Networks(YamlMappingNode networks, List<string> notes)
    {
        var converted = new YamlMappingNode();
        foreach (var (key, value) in networks.Children)
        {
            var network = new YamlMappingNode();
            var definition = value as YamlMappingNode ?? new YamlMappingNode();
            var external = definition.Children.TryGetValue(new YamlScalarNode("external"), out var e) && e is YamlScalarNode { Value: "true" or "yes" } or YamlMappingNode;
            foreach (var (k, v) in definition.Children)
            {
                if (((YamlScalarNode)k).Value is "driver" or "attachable")
                {
                    continue;
                }

                network.Add(k, v);
            }

            if (!external)
            {
                var driver = definition.Children.TryGetValue(new YamlScalarNode("driver"), out var d) ? (d as YamlScalarNode)?.Value : null;
                if (driver is not (null or "bridge" or "overlay"))
                {
                    notes.Add($"networks/{key}/driver: {driver} replaced by overlay");
                }

                network.Add("driver", "overlay");
                // Lets the agent's one-off migration container join the stack's network with docker run.
                network.Add("attachable", "true");
            }

            converted.Add(key, network);
        }

        return converted;
    }

    private static string GoDuration(TimeSpan span) =>
        span.TotalMilliseconds % 1000 == 0 ? $"{(long)span.TotalSeconds}s" : $"{(long)span.TotalMilliseconds}ms";

    private static string Render(YamlMappingNode root)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        writer.Write("# Generated by devops-agent from the compose file for docker stack deploy; regenerated by every deploy.\n");
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
