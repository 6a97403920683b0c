using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The model compose runs for <c>-f a -f b …</c>: the files merged in order (mappings by key, scalars
/// replaced, <c>command</c>/<c>entrypoint</c>/<c>healthcheck.test</c> replaced, <c>environment</c>,
/// <c>labels</c> and <c>volumes</c> merged by key or target, other lists appended), <c>extends</c>
/// resolved, and services behind a <c>profiles:</c> entry left out (a deploy starts none of them).
/// Every node remembers the file and line it came from.
/// </summary>
public sealed class ComposeModel
{
    private static readonly HashSet<string> Replaced = ["command", "entrypoint", "test", "dns", "dns_search"];
    private static readonly HashSet<string> ByKey = ["environment", "labels", "extra_hosts", "build_args", "args"];

    private readonly Dictionary<YamlNode, NodeOrigin> origins = new(ReferenceEqualityComparer.Instance);

    private ComposeModel()
    {
    }

    /// <param name="set">The files, in -f order.</param>
    /// <param name="parsed">Every parsed compose file of the project by path (for <c>extends: file:</c>).</param>
    public static ComposeFile Build(ComposeSet set, IReadOnlyDictionary<string, ComposeFile> parsed)
    {
        var model = new ComposeModel();
        YamlMappingNode? root = null;
        foreach (var path in set.Files)
        {
            if (!parsed.TryGetValue(path, out var file))
            {
                continue;
            }

            model.Record(file.Root, path);
            root = root is null ? file.Root : (YamlMappingNode)model.Merge(root, file.Root, "");
        }

        root ??= new YamlMappingNode();
        if (ComposeLint.Get(root, "services") is YamlMappingNode services)
        {
            root = model.WithServices(root, model.Resolve(services, parsed));
        }

        return new ComposeFile(set.Name, root) { IsProduction = set.IsProduction, Deployed = set.Deployed, Files = set.Files, Origins = model.origins };
    }

    private void Record(YamlNode node, string file)
    {
        if (origins.ContainsKey(node))
        {
            return;
        }

        origins[node] = new NodeOrigin(file, ComposeFile.Line(node));
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    Record(key, file);
                    Record(value, file);
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    Record(item, file);
                }

                break;
        }
    }

    private T Fresh<T>(T node, YamlNode from)
        where T : YamlNode
    {
        origins[node] = origins.TryGetValue(from, out var origin) ? origin : new NodeOrigin("", ComposeFile.Line(from));
        return node;
    }

    private YamlNode Merge(YamlNode under, YamlNode over, string key)
    {
        if (Replaced.Contains(key))
        {
            return over;
        }

        if (ByKey.Contains(key) && (under is YamlSequenceNode || over is YamlSequenceNode))
        {
            return Merge(AsMap(under), AsMap(over), "");
        }

        switch (under, over)
        {
            case (YamlMappingNode a, YamlMappingNode b):
                var merged = Fresh(new YamlMappingNode(), a);
                foreach (var (k, value) in a.Children)
                {
                    merged.Children.Add(k, b.Children.TryGetValue(k, out var replacement) ? Merge(value, replacement, (k as YamlScalarNode)?.Value ?? "") : value);
                }

                foreach (var (k, value) in b.Children.Where(c => !a.Children.ContainsKey(c.Key)))
                {
                    merged.Children.Add(k, value);
                }

                return merged;
            case (YamlSequenceNode a, YamlSequenceNode b) when key is "volumes" or "secrets" or "configs":
                var targets = b.Children.Select(Target).Where(t => t is not null).ToHashSet();
                return Fresh(new YamlSequenceNode([.. a.Children.Where(item => Target(item) is not { } t || !targets.Contains(t)), .. b.Children]), a);
            case (YamlSequenceNode a, YamlSequenceNode b):
                return Fresh(new YamlSequenceNode([.. a.Children, .. b.Children]), a);
            default:
                return over;
        }
    }

    /// <summary><c>- KEY=value</c> lists as mappings (the node of each item keeps its origin).</summary>
    private YamlNode AsMap(YamlNode node)
    {
        if (node is not YamlSequenceNode list)
        {
            return node;
        }

        var map = Fresh(new YamlMappingNode(), list);
        foreach (var item in list.Children.OfType<YamlScalarNode>())
        {
            var parts = (item.Value ?? "").Split('=', 2);
            var key = Fresh(new YamlScalarNode(parts[0]), item);
            var value = Fresh(parts.Length > 1 ? new YamlScalarNode(parts[1]) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } : new YamlScalarNode(null), item);
            map.Children[key] = value;
        }

        return map;
    }

    private static string? Target(YamlNode volume) => volume switch
    {
        YamlScalarNode { Value: { } text } => text.Split(':') is var parts && parts.Length >= 2 ? parts[1] : parts[0],
        YamlMappingNode map => ComposeLint.Text(ComposeLint.Get(map, "target")) ?? ComposeLint.Text(ComposeLint.Get(map, "source")),
        _ => null,
    };

    private YamlMappingNode Resolve(YamlMappingNode services, IReadOnlyDictionary<string, ComposeFile> parsed)
    {
        var resolved = Fresh(new YamlMappingNode(), services);
        var all = services.Children.Select(c => (c.Key, Service: c.Value is YamlMappingNode map ? Extend(map, services, parsed, 0) : c.Value)).ToList();
        // When every service sits behind a profile the project is run with that profile: keep them all.
        var unprofiled = all.Where(c => c.Service is not YamlMappingNode s || ComposeLint.Items(ComposeLint.Get(s, "profiles")).Count == 0).ToList();
        foreach (var (name, service) in unprofiled.Count > 0 ? unprofiled : all)
        {
            resolved.Children.Add(name, service);
        }

        return resolved;
    }

    private YamlMappingNode Extend(YamlMappingNode service, YamlMappingNode services, IReadOnlyDictionary<string, ComposeFile> parsed, int depth)
    {
        var extends = ComposeLint.Get(service, "extends");
        if (extends is null || depth > 5)
        {
            return service;
        }

        var baseName = ComposeLint.Text(extends) ?? ComposeLint.Text(ComposeLint.Get(extends, "service"));
        var file = ComposeLint.Text(ComposeLint.Get(extends, "file"));
        var pool = services;
        if (file is not null)
        {
            var from = origins.TryGetValue(service, out var origin) ? System.IO.Path.GetDirectoryName(origin.File) ?? "" : "";
            var path = System.IO.Path.GetRelativePath(".", System.IO.Path.Combine(from, file)).Replace('\\', '/');
            pool = parsed.TryGetValue(path, out var other) && ComposeLint.Get(other.Root, "services") is YamlMappingNode otherServices ? otherServices : new YamlMappingNode();
            if (parsed.TryGetValue(path, out var o))
            {
                Record(o.Root, path);
            }
        }

        if (baseName is null || ComposeLint.Get(pool, baseName) is not YamlMappingNode baseService)
        {
            return service;
        }

        var own = Fresh(new YamlMappingNode(), service);
        foreach (var (key, value) in service.Children.Where(c => ComposeLint.Text(c.Key) != "extends"))
        {
            own.Children.Add(key, value);
        }

        return (YamlMappingNode)Merge(Extend(baseService, pool, parsed, depth + 1), own, "");
    }

    private YamlMappingNode WithServices(YamlMappingNode root, YamlMappingNode services)
    {
        var copy = Fresh(new YamlMappingNode(), root);
        foreach (var (key, value) in root.Children)
        {
            copy.Children.Add(key, ComposeLint.Text(key) == "services" ? services : value);
        }

        return copy;
    }
}
