namespace DevOpsAgent.Core.Configuration;

/// <summary>
/// A parsed configuration document, independent of YAML: mappings, sequences and scalars, each knowing its
/// path (<c>environments/staging/server</c>) and line, so validation errors can name both.
/// </summary>
public abstract record ConfigNode(string Path, int Line);

public sealed record ConfigScalar(string Path, int Line, string Value) : ConfigNode(Path, Line);

public sealed record ConfigSequence(string Path, int Line, IReadOnlyList<ConfigNode> Items) : ConfigNode(Path, Line);

public sealed record ConfigMapping(string Path, int Line, IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries) : ConfigNode(Path, Line)
{
    public ConfigNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}
