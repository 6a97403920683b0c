using DevOpsAgent.Core.Quality;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>A service of a compose model, with the file and line it was declared at.</summary>
public sealed record ComposeService(string Name, YamlMappingNode Node, string File, int Line)
{
    public YamlNode? this[string key] => Node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public override string ToString() => Name;
}

/// <summary>Where a node of a merged model was written.</summary>
public readonly record struct NodeOrigin(string File, int Line);

/// <summary>
/// A parsed compose file, or the merged model of several (<see cref="ComposeModel"/>): its YAML tree, its
/// services, and for every node the file and line it came from.
/// </summary>
public sealed record ComposeFile(string Path, YamlMappingNode Root)
{
    /// <summary>Whether production rules apply: the set an environment with a tag deploys (see <see cref="ComposeSets"/>).</summary>
    public bool IsProduction { get; init; }

    /// <summary>False for a set no environment deploys (local development): its findings are warnings.</summary>
    public bool Deployed { get; init; } = true;

    /// <summary>The files merged into this model, in order.</summary>
    public IReadOnlyList<string> Files { get; init; } = [Path];

    internal IReadOnlyDictionary<YamlNode, NodeOrigin>? Origins { get; init; }

    public IReadOnlyList<ComposeService> Services =>
        Root.Children.TryGetValue(new YamlScalarNode("services"), out var services) && services is YamlMappingNode map
            ? [.. map.Children.Where(c => c.Value is YamlMappingNode)
                .Select(c => new ComposeService(((YamlScalarNode)c.Key).Value ?? "", (YamlMappingNode)c.Value, At(c.Key).File, At(c.Key).Line))]
            : [];

    public YamlMappingNode? Section(string key) =>
        Root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node as YamlMappingNode : null;

    /// <summary>The file and line a node of this model was written at.</summary>
    public NodeOrigin At(YamlNode node) =>
        Origins is not null && Origins.TryGetValue(node, out var origin) ? origin : new NodeOrigin(Path, Line(node));

    public static int Line(YamlNode node) => (int)node.Start.Line;

    /// <summary>Compose files by name: docker-compose*.yml|yaml and compose*.yml|yaml.</summary>
    public static bool IsComposeFileName(string path)
    {
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        return (name.StartsWith("docker-compose", StringComparison.Ordinal) || name.StartsWith("compose.", StringComparison.Ordinal)
                || name == "compose.yml" || name == "compose.yaml")
            && (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal));
    }

    /// <summary>The file's tree with YAML merge keys (<c>&lt;&lt;: *defaults</c>) applied, as compose applies them.</summary>
    public static ComposeFile Parse(ProjectFile file) =>
        TryParse(file, out var compose, out var error) ? compose : throw new Errors.InvalidInputException(error);

    public static bool TryParse(ProjectFile file, out ComposeFile compose, out string error)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(file.Content));
            var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
            compose = new ComposeFile(file.Path, MergeKeys.Apply(root ?? new YamlMappingNode()));
            error = "";
            return true;
        }
        catch (YamlException exception)
        {
            compose = new ComposeFile(file.Path, new YamlMappingNode());
            error = $"{file.Path}:{exception.Start.Line}: invalid YAML: {exception.Message.Split('\n')[0]}";
            return false;
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
