using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// YAML 1.1 merge keys (<c>&lt;&lt;: *anchor</c>, <c>&lt;&lt;: [*a, *b]</c>), which compose honours and
/// YamlDotNet's representation model leaves as a plain <c>&lt;&lt;</c> key: the mapping's own keys win,
/// then the merged mappings in order.
/// </summary>
internal static class MergeKeys
{
    private static readonly YamlScalarNode Key = new("<<");

    public static YamlMappingNode Apply(YamlMappingNode root)
    {
        Visit(root, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
        return root;
    }

    private static void Visit(YamlNode node, HashSet<YamlNode> seen)
    {
        if (!seen.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlMappingNode map:
                foreach (var child in map.Children.Values.ToList())
                {
                    Visit(child, seen);
                }

                if (map.Children.TryGetValue(Key, out var merged))
                {
                    map.Children.Remove(Key);
                    IEnumerable<YamlNode> sources = merged is YamlSequenceNode list ? list.Children : [merged];
                    foreach (var source in sources.OfType<YamlMappingNode>())
                    {
                        Visit(source, seen);
                        foreach (var (key, value) in source.Children)
                        {
                            if (!map.Children.ContainsKey(key))
                            {
                                map.Children.Add(key, value);
                            }
                        }
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Visit(child, seen);
                }

                break;
        }
    }
}
