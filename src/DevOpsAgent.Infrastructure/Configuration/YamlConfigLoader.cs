using DevOpsAgent.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Infrastructure.Configuration;

/// <summary>Reads devops-agent.yml into a <see cref="ConfigNode"/> tree and validates it once.</summary>
public static class YamlConfigLoader
{
    public const string DefaultFileName = "devops-agent.yml";

    public static AgentConfig Load(string path, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException(path, ["file not found (create one from the example in README, or pass --config)"]);
        }

        return AgentConfig.Read(Parse(File.ReadAllText(path), path), environment, path);
    }

    public static ConfigNode Parse(string yaml, string source = DefaultFileName)
    {
        var stream = new YamlStream();
        try
        {
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

        return Convert(stream.Documents[0].RootNode, "");
    }

    /// <summary>The current process environment, as configuration expansion sees it.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    private static ConfigNode Convert(YamlNode node, string path)
    {
        var line = (int)node.Start.Line;
        return node switch
        {
            YamlMappingNode mapping => new ConfigMapping(path, line, [.. mapping.Children.Select(entry =>
            {
                var key = entry.Key is YamlScalarNode { Value: { } k } ? k : entry.Key.ToString();
                return new KeyValuePair<string, ConfigNode>(key, Convert(entry.Value, Join(path, key)));
            })]),
            YamlSequenceNode sequence => new ConfigSequence(path, line, [.. sequence.Children.Select((item, i) => Convert(item, Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture))))]),
            YamlScalarNode scalar => new ConfigScalar(path, line, scalar.Value ?? ""),
            _ => new ConfigScalar(path, line, node.ToString()),
        };
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}/{key}";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
