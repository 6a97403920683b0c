using System.Globalization;
using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Configuration;

/// <summary>
/// Reads typed values out of a <see cref="ConfigNode"/> tree, collecting every problem with its path
/// instead of stopping at the first. <c>${VAR}</c> and <c>${VAR:-default}</c> in scalars expand from the
/// given environment.
/// </summary>
public sealed partial class ConfigReader(IReadOnlyDictionary<string, string> environment)
{
    /// <summary>The longest string value a configuration holds (URLs, paths, commands).</summary>
    public const int MaxScalarLength = 4096;

    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>A problem with a value: its path and the line it is on (<c>environments/staging/port: … (line 7)</c>).</summary>
    public void Problem(ConfigNode node, string message) => Problem(node.Path, node.Line > 0 ? $"{message} (line {node.Line})" : message);

    public void Problem(string path, string message) => _problems.Add($"{Errors.InputText.OneLine(path)}: {message}");

    public ConfigMapping? Mapping(ConfigNode? node)
    {
        if (node is null or ConfigMapping)
        {
            return node as ConfigMapping;
        }

        Problem(node, "should be a mapping");
        return null;
    }

    /// <summary>Reports keys the section does not know, so typos never pass silently.</summary>
    public void AllowOnly(ConfigMapping mapping, params string[] keys)
    {
        foreach (var (key, node) in mapping.Entries.Where(e => !keys.Contains(e.Key)))
        {
            Problem(node, $"unknown key (expected one of: {string.Join(", ", keys)})");
        }
    }

    public string? String(ConfigMapping mapping, string key, string? fallbackVariable = null)
    {
        var node = mapping[key];
        if (node is null)
        {
            return fallbackVariable is not null && environment.TryGetValue(fallbackVariable, out var fallback) && fallback.Length > 0 ? fallback : null;
        }

        if (node is not ConfigScalar scalar)
        {
            Problem(node, "should be a string");
            return null;
        }

        if (scalar.Value.Length > MaxScalarLength)
        {
            Problem(node, $"is longer than {MaxScalarLength} characters");
            return null;
        }

        return scalar.Value is "" or "~" or "null" ? null : Expand(scalar);
    }

    public string RequiredString(ConfigMapping mapping, string key, string? fallbackVariable = null)
    {
        var problemsBefore = _problems.Count;
        var value = String(mapping, key, fallbackVariable);
        if (string.IsNullOrEmpty(value) && _problems.Count == problemsBefore)
        {
            Problem($"{Child(mapping, key)}", fallbackVariable is null ? "required" : $"required (or set {fallbackVariable})");
        }

        return value ?? "";
    }

    public int Integer(ConfigMapping mapping, string key, int defaultValue, int min, int max)
    {
        var text = String(mapping, key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(mapping[key]!, $"should be a whole number from {min} to {max}");
            return defaultValue;
        }

        return value;
    }

    public bool Boolean(ConfigMapping mapping, string key, bool defaultValue)
    {
        var text = String(mapping, key);
        switch (text)
        {
            case null:
                return defaultValue;
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                Problem(mapping[key]!, "should be true or false");
                return defaultValue;
        }
    }

    /// <summary>A duration such as <c>90s</c>, <c>5m</c>, <c>500ms</c>, or a number of seconds.</summary>
    public TimeSpan Duration(ConfigMapping mapping, string key, TimeSpan defaultValue)
    {
        var text = String(mapping, key);
        if (text is null)
        {
            return defaultValue;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            Problem(mapping[key]!, "should be a duration such as 90s, 5m or 500ms");
            return defaultValue;
        }

        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
    }

    public IReadOnlyList<string> StringList(ConfigMapping mapping, string key)
    {
        var node = mapping[key];
        switch (node)
        {
            case null:
                return [];
            case ConfigScalar scalar:
                return [Expand(scalar)];
            case ConfigSequence sequence:
                var values = new List<string>();
                foreach (var item in sequence.Items)
                {
                    if (item is ConfigScalar s)
                    {
                        values.Add(Expand(s));
                    }
                    else
                    {
                        Problem(item, "should be a string");
                    }
                }

                return values;
            default:
                Problem(node, "should be a list of strings");
                return [];
        }
    }

    private static string Child(ConfigMapping mapping, string key) => mapping.Path.Length == 0 ? key : $"{mapping.Path}/{key}";

    private string Expand(ConfigScalar scalar) =>
        VariablePattern().Replace(scalar.Value, match =>
        {
            var name = match.Groups[1].Value;
            if (environment.TryGetValue(name, out var value) && value.Length > 0)
            {
                return value;
            }

            if (match.Groups[2].Success)
            {
                return match.Groups[2].Value;
            }

            Problem(scalar, $"${{{name}}} is not set in the environment");
            return "";
        });

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)?\z")]
    private static partial Regex DurationPattern();
}
