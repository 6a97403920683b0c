using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Infrastructure.Configuration;

/// <summary>
/// Reads devops-agent.yml into a <see cref="ConfigNode"/> tree and validates it once. The file is held to limits
/// before YamlDotNet builds anything: 1 MiB, UTF-8, nesting depth, and aliases — an "anchor bomb" (a few lines of
/// nested <c>*a</c> aliases) would otherwise expand into gigabytes while the tree is converted.
/// </summary>
public static class YamlConfigLoader
{
    public const string DefaultFileName = "devops-agent.yml";

    public const int MaxAliases = 100;

    public const int MaxDepth = 64;

    /// <summary>Nodes a document may expand to, aliases counted each time they are used.</summary>
    public const int MaxNodes = 100_000;

    public static AgentConfig Load(string path, IReadOnlyDictionary<string, string> environment) =>
        AgentConfig.Read(Parse(ReadText(path, "create one from the example in README, or pass --config"), path), environment, path);

    /// <summary>A YAML file's text, refused (with the file named) when missing, a folder, over 1 MiB, or not UTF-8.</summary>
    public static string ReadText(string path, string hintWhenMissing)
    {
        if (LocalFiles.NotAFile(path) is { } missing)
        {
            throw new ConfigurationException(path, [missing == "not found" ? $"file not found ({hintWhenMissing})" : missing]);
        }

        var bytes = LocalFiles.ReadBounded(path, LocalFiles.OneMebibyte)
            ?? throw new ConfigurationException(path, [$"the file is larger than {LocalFiles.OneMebibyte / 1024} KiB"]);
        var (text, line, problem) = StrictText.Decode(bytes);
        return text ?? throw new ConfigurationException(path, [$"line {line}: {problem}"]);
    }

    public static ConfigNode Parse(string yaml, string source = DefaultFileName)
    {
        if (yaml.Length > LocalFiles.OneMebibyte)
        {
            throw new ConfigurationException(source, [$"the document is larger than {LocalFiles.OneMebibyte / 1024} KiB"]);
        }

        var stream = new YamlStream();
        try
        {
            Guard(yaml, source);
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new ConfigurationException(source, [$"line {error.Start.Line}: invalid YAML: {FirstLine(error.Message)}"]);
        }

        if (stream.Documents.Count == 0)
        {
            throw new ConfigurationException(source, ["the file is empty"]);
        }

        var budget = new Budget(source);
        return Convert(stream.Documents[0].RootNode, "", budget);
    }

    /// <summary>The current process environment, as configuration expansion sees it.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    /// <summary>One pass over the parser's events (which builds nothing) counting aliases and nesting.</summary>
    private static void Guard(string yaml, string source)
    {
        var parser = new Parser(new StringReader(yaml));
        var aliases = 0;
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias alias when ++aliases > MaxAliases:
                    throw new ConfigurationException(source, [$"line {alias.Start.Line}: more than {MaxAliases} aliases (*name): "
                        + "anchors and aliases are limited so that a small file cannot expand without bound"]);
                case MappingStart or SequenceStart when ++depth > MaxDepth:
                    throw new ConfigurationException(source, [$"line {parser.Current.Start.Line}: nested more than {MaxDepth} levels deep"]);
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private sealed class Budget(string source)
    {
        private int _nodes;

        public void Spend(YamlNode node)
        {
            if (++_nodes > MaxNodes)
            {
                throw new ConfigurationException(source, [$"line {node.Start.Line}: the document expands to more than {MaxNodes} nodes (through aliases)"]);
            }
        }
    }

    private static ConfigNode Convert(YamlNode node, string path, Budget budget)
    {
        budget.Spend(node);
        var line = (int)node.Start.Line;
        return node switch
        {
            YamlMappingNode mapping => new ConfigMapping(path, line, [.. mapping.Children.Select(entry =>
            {
                var key = entry.Key is YamlScalarNode { Value: { } k } ? k : entry.Key.ToString();
                return new KeyValuePair<string, ConfigNode>(key, Convert(entry.Value, Join(path, key), budget));
            })]),
            YamlSequenceNode sequence => new ConfigSequence(path, line, [.. sequence.Children.Select((item, i) => Convert(item, Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), budget))]),
            YamlScalarNode scalar => new ConfigScalar(path, line, scalar.Value ?? ""),
            _ => new ConfigScalar(path, line, node.ToString()),
        };
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}/{key}";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
