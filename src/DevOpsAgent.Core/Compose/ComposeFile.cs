using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>A service of a compose file, with the node it was declared at (for line numbers).</summary>
public sealed record ComposeService(string Name, YamlMappingNode Node, int Line)
{
    public YamlNode? this[string key] => Node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public override string ToString() => Name;
}

/// <summary>A parsed compose file: its YAML tree with line numbers, and its services.</summary>
public sealed record ComposeFile(string Path, YamlMappingNode Root)
{
    /// <summary>The production variant: <c>docker-compose.prod.yml</c>, <c>compose.production.yaml</c>…</summary>
    public bool IsProduction => System.IO.Path.GetFileName(Path).Contains(".prod", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<ComposeService> Services =>
        Root.Children.TryGetValue(new YamlScalarNode("services"), out var services) && services is YamlMappingNode map
            ? [.. map.Children.Where(c => c.Value is YamlMappingNode)
                .Select(c => new ComposeService(((YamlScalarNode)c.Key).Value ?? "", (YamlMappingNode)c.Value, Line(c.Key)))]
            : [];

    public YamlMappingNode? Section(string key) =>
        Root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node as YamlMappingNode : null;

    public static int Line(YamlNode node) => (int)node.Start.Line;

    /// <summary>Compose files by name: docker-compose*.yml|yaml and compose*.yml|yaml.</summary>
    public static bool IsComposeFileName(string path)
    {
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        return (name.StartsWith("docker-compose", StringComparison.Ordinal) || name.StartsWith("compose.", StringComparison.Ordinal)
                || name == "compose.yml" || name == "compose.yaml")
            && (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal));
    }

    public static ComposeFile Parse(ProjectFile file)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(file.Content));
            var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
            return new ComposeFile(file.Path, root ?? new YamlMappingNode());
        }
        catch (YamlException error)
        {
            throw new InvalidInputException($"{file.Path}:{error.Start.Line}: invalid YAML: {error.Message}");
        }
    }

    /// <summary>Every scalar of the tree with its line, for rules that read values wherever they are.</summary>
    public static IEnumerable<(YamlScalarNode Scalar, string Path)> Scalars(YamlNode node, string path = "")
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                yield return (scalar, path);
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    foreach (var item in Scalars(value, path.Length == 0 ? $"{key}" : $"{path}.{key}"))
                    {
                        yield return item;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children.SelectMany(child => Scalars(child, path + ".[]")))
                {
                    yield return item;
                }

                break;
        }
    }
}
