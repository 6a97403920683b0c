using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.ZeroDowntime;

/// <summary>
/// The user's compose model cut in two for zero-downtime deploys, uninterpolated (so no .env value is ever
/// written anywhere): a data project with the stateful services (never recreated by app deploys) and a slot
/// project with the stateless ones, rendered once per slot. Named volumes keep the names they had in the single
/// project (<c>{compose_project}_{volume}</c>), so the first zero-downtime deploy of an existing stack finds its
/// database where it was, and both slots share any other volume. The slot drops host ports (the edge owns them),
/// <c>depends_on</c> on stateful services and <c>container_name</c>; only services that use a stateful service
/// join the data network, and only the entry service joins the edge network, under the slot's own alias — so a
/// slot never resolves the other slot's services. Pure: renders text, runs nothing.
/// </summary>
public sealed partial class SlotLayout
{
    public const string DataNetworkKey = "devops-agent-data";
    public const string EdgeNetworkKey = "devops-agent-edge";

    private static readonly HashSet<string> StatefulImages =
    [
        "postgres", "postgis", "timescaledb", "mysql", "mariadb", "mongo", "redis", "valkey", "keydb", "rabbitmq",
        "elasticsearch", "opensearch", "minio", "memcached", "clickhouse-server", "cassandra", "nats", "etcd", "zookeeper", "kafka",
    ];

    private readonly YamlMappingNode _root;

    private SlotLayout(YamlMappingNode root, string project, IReadOnlyList<string> stateful, IReadOnlyList<string> stateless,
        string entry, PortMapping published, IReadOnlyList<string> dataClients, IReadOnlyList<string> warnings)
    {
        _root = root;
        Project = project;
        Stateful = stateful;
        Stateless = stateless;
        Entry = entry;
        Published = published;
        DataClients = dataClients;
        Warnings = warnings;
    }

    /// <summary>The environment's compose project; data is <c>{Project}-data</c>, slots <c>{Project}-blue</c>/<c>-green</c>, the edge <c>{Project}-edge</c>.</summary>
    public string Project { get; }

    public IReadOnlyList<string> Stateful { get; }

    public IReadOnlyList<string> Stateless { get; }

    /// <summary>The stateless service the edge forwards to.</summary>
    public string Entry { get; }

    /// <summary>The entry's published mapping, which the edge takes over.</summary>
    public PortMapping Published { get; }

    /// <summary>Stateless services that use a stateful one, hence join the data network.</summary>
    public IReadOnlyList<string> DataClients { get; }

    /// <summary>What the layout changed that a user may rely on (ports of other services, container names).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public string DataProject => $"{Project}-data";

    public string DataNetwork => $"{Project}-data";

    public string EdgeNetwork => $"{Project}-edge";

    public string SlotProject(string slot) => $"{Project}-{SlotNames.Validate(slot)}";

    /// <summary>The DNS name the slot's entry service has on the edge network.</summary>
    public string EntryAlias(string slot) => SlotProject(slot);

    /// <summary>The layout of <paramref name="model"/> (the compose files merged, as compose merges them).</summary>
    public static SlotLayout Of(ComposeFile model, string project, ZeroDowntimeConfig config)
    {
        if (model.Section("services") is not { } servicesNode || servicesNode.Children.Count == 0)
        {
            throw new InvalidInputException("zero_downtime: the compose files define no services");
        }

        var services = model.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var named = NamedVolumes(model);
        var stateful = config.Stateful?.ToList() ?? [.. services.Values.Where(s => LooksStateful(s, named)).Select(s => s.Name)];
        foreach (var name in stateful.Where(n => !services.ContainsKey(n)))
        {
            throw new InvalidInputException($"zero_downtime/stateful: '{InputText.Quote(name)}' is not a service of the compose files ({string.Join(", ", services.Keys)})");
        }

        var stateless = services.Keys.Where(n => !stateful.Contains(n)).ToList();
        if (stateless.Count == 0)
        {
            throw new InvalidInputException("zero_downtime: every service is stateful, so there is nothing to switch; name the stateful ones in zero_downtime/stateful");
        }

        var publishing = stateless.Where(n => PortMapping.All(services[n]).Count > 0).ToList();
        var entry = config.Entry ?? publishing switch
        {
            [var only] => only,
            [] => throw new InvalidInputException($"zero_downtime: no stateless service publishes a port for the edge to take over ({string.Join(", ", stateless)}); set zero_downtime/entry"),
            _ => throw new InvalidInputException($"zero_downtime: several stateless services publish ports ({string.Join(", ", publishing)}); set zero_downtime/entry to the one the edge forwards to"),
        };
        if (!stateless.Contains(entry))
        {
            throw new InvalidInputException($"zero_downtime/entry: '{InputText.Quote(entry)}' is not a stateless service of the compose files ({string.Join(", ", stateless)})");
        }

        var entryService = services[entry];
        if (entryService["network_mode"] is not null)
        {
            throw new InvalidInputException($"zero_downtime/entry: {entry} uses network_mode, so the edge cannot reach it on a network of its own");
        }

        var published = PortMapping.All(entryService).FirstOrDefault()
            ?? throw new InvalidInputException($"zero_downtime/entry: {entry} publishes no port (services/{entry}/ports) for the edge to take over");
        var warnings = new List<string>();
        foreach (var name in stateless)
        {
            var ports = PortMapping.All(services[name]);
            if (ports.Count > (name == entry ? 1 : 0))
            {
                warnings.Add($"services/{name}/ports: not published by the slots (the edge publishes {entry}'s {published.Raw} only)");
            }

            if (services[name]["container_name"] is not null)
            {
                warnings.Add($"services/{name}/container_name: left out, two slots cannot share one container name");
            }
        }

        var clients = stateless.Where(n => UsesAny(services[n], stateful)).ToList();
        return new SlotLayout(model.Root, project, stateful, stateless, entry, published, clients, warnings)
        {
            StartOrder = DependenciesFirst(stateless, name => DependsOn(services[name]).Where(stateless.Contains)),
            StartLevels = Levels(DependenciesFirst(stateless, name => DependsOn(services[name]).Where(stateless.Contains)), name => DependsOn(services[name]).Where(stateless.Contains)),
        };
    }

    /// <summary>
    /// The slot's services with each one's dependencies (depends_on, among the slot's services) before it: the order
    /// in which a kept slot's containers start again.
    /// </summary>
    public IReadOnlyList<string> StartOrder { get; private init; } = [];

    /// <summary>
    /// <see cref="StartOrder"/> in groups: each group's services depend (among the slot's services) only on services
    /// of earlier groups, so one group starts in one compose call that has nothing of its own to wait for.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> StartLevels { get; private init; } = [];

    private static List<IReadOnlyList<string>> Levels(List<string> order, Func<string, IEnumerable<string>> dependencies)
    {
        var level = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            // Dependencies come first in the order; one not yet seen is part of a cycle and does not raise the level.
            level[name] = dependencies(name).Select(d => level.TryGetValue(d, out var l) ? l + 1 : 0).DefaultIfEmpty(0).Max();
        }

        return [.. order.GroupBy(name => level[name]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<string>)[.. g])];
    }

    private static List<string> DependenciesFirst(IReadOnlyList<string> names, Func<string, IEnumerable<string>> dependencies)
    {
        var order = new List<string>();
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            // A cycle is compose's to refuse; here it only must not loop.
            if (order.Contains(name) || !visiting.Add(name))
            {
                return;
            }

            foreach (var dependency in dependencies(name))
            {
                Visit(dependency);
            }

            order.Add(name);
        }

        foreach (var name in names)
        {
            Visit(name);
        }

        return order;
    }

    private static IEnumerable<string> DependsOn(ComposeService service) => service["depends_on"] switch
    {
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(i => i.Value!),
        YamlMappingNode map => map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!),
        _ => [],
    };

    /// <summary>The data project's compose file: the stateful services, on the data network too.</summary>
    public string RenderData()
    {
        var services = new YamlMappingNode();
        foreach (var name in Stateful)
        {
            var service = Copy(Service(name), "depends_on", keep: dependency => Stateful.Contains(dependency));
            service.Children[new YamlScalarNode("networks")] = Networks(Service(name), [DataNetworkKey], alias: null);
            services.Add(name, service);
        }

        var networks = UserNetworks(Stateful);
        networks.Add(DataNetworkKey, new YamlMappingNode { { "name", DataNetwork } });
        return Render(services, networks, Volumes(Stateful));
    }

    /// <summary>One slot's compose file: the stateless services, without host ports, joined to data and edge as they need.</summary>
    /// <param name="commit">Set on each service as the <c>devops-agent.commit</c> label, so the kept slot says what it holds.</param>
    public string RenderSlot(string slot, string? commit = null)
    {
        SlotNames.Validate(slot);
        var services = new YamlMappingNode();
        foreach (var name in Stateless)
        {
            var original = Service(name);
            var service = Copy(original, "depends_on", keep: dependency => !Stateful.Contains(dependency), drop: ["ports", "container_name"]);
            if (original["network_mode"] is null)
            {
                string[] joined = [.. DataClients.Contains(name) ? [DataNetworkKey] : Array.Empty<string>(), .. name == Entry ? [EdgeNetworkKey] : Array.Empty<string>()];
                service.Children[new YamlScalarNode("networks")] = Networks(original, joined, name == Entry ? EntryAlias(slot) : null);
            }

            if (commit is not null)
            {
                service.Children[new YamlScalarNode("labels")] = Labels(original, commit);
            }

            services.Add(name, service);
        }

        var networks = UserNetworks(Stateless);
        if (DataClients.Count > 0)
        {
            networks.Add(DataNetworkKey, new YamlMappingNode { { "external", "true" }, { "name", DataNetwork } });
        }

        networks.Add(EdgeNetworkKey, new YamlMappingNode { { "external", "true" }, { "name", EdgeNetwork } });
        return Render(services, networks, Volumes(Stateless));
    }

    private ComposeService Service(string name) =>
        new(name, (YamlMappingNode)((YamlMappingNode)_root.Children[new YamlScalarNode("services")]).Children[new YamlScalarNode(name)], "", 0);

    private static YamlMappingNode Copy(ComposeService service, string dependsOn, Func<string, bool> keep, string[]? drop = null)
    {
        var copy = new YamlMappingNode();
        foreach (var (key, value) in service.Node.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (drop?.Contains(name) == true || name == "networks")
            {
                continue;
            }

            if (name == dependsOn || name == "links")
            {
                var filtered = Filter(value, keep);
                if (filtered is not null)
                {
                    copy.Add(key, filtered);
                }

                continue;
            }

            copy.Add(key, value);
        }

        return copy;
    }

    /// <summary>A depends_on or links value with only the entries <paramref name="keep"/> keeps; null when none is left.</summary>
    private static YamlNode? Filter(YamlNode value, Func<string, bool> keep)
    {
        switch (value)
        {
            case YamlSequenceNode list:
                var items = list.Children.OfType<YamlScalarNode>().Where(i => keep(i.Value!.Split(':')[0])).ToList();
                return items.Count == 0 ? null : new YamlSequenceNode(items);
            case YamlMappingNode map:
                var kept = new YamlMappingNode();
                foreach (var (key, entry) in map.Children.Where(c => keep(((YamlScalarNode)c.Key).Value!)))
                {
                    kept.Add(key, entry);
                }

                return kept.Children.Count == 0 ? null : kept;
            default:
                return value;
        }
    }

    /// <summary>The service's labels (list or mapping) as a mapping, plus the commit it runs.</summary>
    private static YamlMappingNode Labels(ComposeService service, string commit)
    {
        var labels = new YamlMappingNode();
        switch (service["labels"])
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    labels.Add(key, value);
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.OfType<YamlScalarNode>())
                {
                    var text = item.Value!;
                    var equals = text.IndexOf('=', StringComparison.Ordinal);
                    labels.Add(equals < 0 ? text : text[..equals], equals < 0 ? "" : text[(equals + 1)..]);
                }

                break;
        }

        labels.Children[new YamlScalarNode("devops-agent.commit")] = new YamlScalarNode(commit);
        return labels;
    }

    /// <summary>The service's own networks (or <c>default</c> when it names none) plus <paramref name="extra"/>.</summary>
    private static YamlMappingNode Networks(ComposeService service, string[] extra, string? alias)
    {
        var networks = new YamlMappingNode();
        switch (service["networks"])
        {
            case YamlSequenceNode list:
                foreach (var item in list.Children.OfType<YamlScalarNode>())
                {
                    networks.Add(item.Value!, new YamlMappingNode());
                }

                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    networks.Add(key, value is YamlMappingNode ? value : new YamlMappingNode());
                }

                break;
            default:
                networks.Add("default", new YamlMappingNode());
                break;
        }

        foreach (var name in extra)
        {
            networks.Add(name, name == EdgeNetworkKey && alias is not null
                ? new YamlMappingNode { { "aliases", new YamlSequenceNode(new YamlScalarNode(alias)) } }
                : new YamlMappingNode());
        }

        return networks;
    }

    /// <summary>The top-level networks the given services name (compose creates them per project).</summary>
    private YamlMappingNode UserNetworks(IReadOnlyList<string> names)
    {
        var used = names.SelectMany(n => NetworkNames(Service(n))).ToHashSet(StringComparer.Ordinal);
        var networks = new YamlMappingNode();
        if (_root.Children.TryGetValue(new YamlScalarNode("networks"), out var section) && section is YamlMappingNode declared)
        {
            foreach (var (key, value) in declared.Children.Where(c => used.Contains(((YamlScalarNode)c.Key).Value!)))
            {
                networks.Add(key, value);
            }
        }

        return networks;
    }

    private static IEnumerable<string> NetworkNames(ComposeService service) => service["networks"] switch
    {
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(i => i.Value!),
        YamlMappingNode map => map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!),
        _ => [],
    };

    /// <summary>The named volumes the services mount, each under the name it has in the single project unless it names itself.</summary>
    private YamlMappingNode Volumes(IReadOnlyList<string> names)
    {
        var volumes = new YamlMappingNode();
        if (!_root.Children.TryGetValue(new YamlScalarNode("volumes"), out var section) || section is not YamlMappingNode declared)
        {
            return volumes;
        }

        var used = names.SelectMany(n => VolumeSources(Service(n))).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in declared.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!used.Contains(name))
            {
                continue;
            }

            var volume = new YamlMappingNode();
            if (value is YamlMappingNode options)
            {
                foreach (var (k, v) in options.Children)
                {
                    volume.Add(k, v);
                }
            }

            if (!volume.Children.ContainsKey(new YamlScalarNode("name")) && !volume.Children.ContainsKey(new YamlScalarNode("external")))
            {
                volume.Add("name", $"{Project}_{name}");
            }

            volumes.Add(key, volume);
        }

        return volumes;
    }

    private static IEnumerable<string> VolumeSources(ComposeService service)
    {
        if (service["volumes"] is not YamlSequenceNode list)
        {
            yield break;
        }

        foreach (var item in list.Children)
        {
            var source = item switch
            {
                YamlScalarNode { Value: { } text } when text.Contains(':', StringComparison.Ordinal) => text.Split(':')[0],
                YamlMappingNode map when map.Children.TryGetValue(new YamlScalarNode("source"), out var s) => ((YamlScalarNode)s).Value,
                _ => null,
            };
            if (source is { Length: > 0 } && !source.StartsWith('.') && !source.StartsWith('/') && !source.StartsWith('~') && !source.StartsWith('$'))
            {
                yield return source;
            }
        }
    }

    internal static HashSet<string> NamedVolumes(ComposeFile model) =>
        model.Section("volumes") is { } volumes ? [.. volumes.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!)] : [];

    /// <summary>A database, cache or queue by its image, or an unbuilt service keeping a named volume.</summary>
    internal static bool LooksStateful(ComposeService service, HashSet<string> named)
    {
        if (service["image"] is YamlScalarNode { Value: { } image })
        {
            var name = image.Split('@')[0];
            var slash = name.LastIndexOf('/');
            var colon = name.LastIndexOf(':');
            var basename = (colon > slash ? name[..colon] : name)[(slash + 1)..];
            if (StatefulImages.Contains(basename.ToLowerInvariant()))
            {
                return true;
            }
        }

        return service["build"] is null && VolumeSources(service).Any(named.Contains);
    }

    /// <summary>Whether the service depends on, links to or names (as a host in an environment value) one of <paramref name="stateful"/>.</summary>
    private static bool UsesAny(ComposeService service, IReadOnlyList<string> stateful)
    {
        var depends = DependsOn(service);
        var links = service["links"] is YamlSequenceNode l ? l.Children.OfType<YamlScalarNode>().Select(i => i.Value!.Split(':')[0]) : [];
        if (depends.Concat(links).Any(stateful.Contains))
        {
            return true;
        }

        var values = service["environment"] switch
        {
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(i => i.Value!),
            YamlMappingNode map => map.Children.Values.OfType<YamlScalarNode>().Select(v => v.Value ?? ""),
            _ => [],
        };
        return values.Any(value => stateful.Any(name => Regex.IsMatch(value, $@"(^|[@/=\s]){Regex.Escape(name)}(:\d|/|$)")));
    }

    private static string Render(YamlMappingNode services, YamlMappingNode networks, YamlMappingNode volumes)
    {
        var root = new YamlMappingNode { { "services", services } };
        if (networks.Children.Count > 0)
        {
            root.Add("networks", networks);
        }

        if (volumes.Children.Count > 0)
        {
            root.Add("volumes", volumes);
        }

        using var writer = new StringWriter { NewLine = "\n" };
        writer.Write("# Generated by devops-agent from the compose files for a zero-downtime deploy; regenerated by every deploy.\n");
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}

/// <summary>The two slots' names.</summary>
public static class SlotNames
{
    public const string Blue = "blue";
    public const string Green = "green";

    public static string Other(string slot) => Validate(slot) == Blue ? Green : Blue;

    public static string Validate(string slot) =>
        slot is Blue or Green ? slot : throw new InvalidInputException($"'{InputText.Quote(slot)}' is not a slot (blue or green)");
}
