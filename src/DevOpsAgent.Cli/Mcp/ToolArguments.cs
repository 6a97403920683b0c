using System.Globalization;
using System.Text.Json;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// A bad argument, said the way a caller can fix it: which argument, what was wrong, what to send instead.
/// Missing, null and wrong-typed arguments are usage errors (2); values refused by validation keep their kind.
/// </summary>
public sealed class ToolArgumentException(string message, int exitCode = ExitCodes.Usage, Exception? inner = null)
    : DevOpsAgentException(message, exitCode, inner);

/// <summary>A tool call's arguments, checked against the tool's parameters before anything runs.</summary>
public sealed class ToolArguments
{
    private readonly Dictionary<string, JsonElement> _values;

    private ToolArguments(Dictionary<string, JsonElement> values) => _values = values;

    public static ToolArguments Validate(string tool, IReadOnlyList<ToolParameter> parameters, IDictionary<string, JsonElement>? arguments)
    {
        var given = arguments ?? new Dictionary<string, JsonElement>();
        var known = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var name in given.Keys.Where(k => !known.ContainsKey(k)))
        {
            var takes = parameters.Count == 0 ? "no arguments" : "only " + string.Join(", ", parameters.Select(p => p.Required ? p.Name : p.Name + " (optional)"));
            throw new ToolArgumentException($"{tool}: unknown argument '{InputText.Quote(name)}'; {tool} takes {takes}.");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!given.TryGetValue(p.Name, out var value) || value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                if (p.Required)
                {
                    var how = given.ContainsKey(p.Name) ? "is null" : "is missing";
                    throw new ToolArgumentException($"{tool}: argument '{p.Name}' {how}: send {p.Send}.");
                }

                continue;
            }

            Check(tool, p, value);
            values[p.Name] = value;
        }

        return new ToolArguments(values);
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string String(string name) => _values[name].GetString()!;

    public string? OptionalString(string name) => _values.TryGetValue(name, out var v) ? v.GetString() : null;

    public bool? OptionalBool(string name) => _values.TryGetValue(name, out var v) ? v.GetBoolean() : null;

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? v.GetInt32() : fallback;

    /// <summary>Runs a domain parser on an argument; its refusal is said as this argument's, with what to send.</summary>
    public static T Parse<T>(string tool, ToolParameter parameter, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (DevOpsAgentException error)
        {
            throw new ToolArgumentException($"{tool}: argument '{parameter.Name}': {error.Message.TrimEnd('.')}; send {parameter.Send}.", error.ExitCode, error);
        }
    }

    private static void Check(string tool, ToolParameter p, JsonElement value)
    {
        var ok = p.Type switch
        {
            ParameterType.String => value.ValueKind == JsonValueKind.String,
            ParameterType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        };
        if (!ok)
        {
            throw new ToolArgumentException($"{tool}: argument '{p.Name}' must be {Kind(p.Type)}, not {Describe(value)}: send {p.Send}.");
        }

        if (p.Type == ParameterType.String && value.GetString()!.Trim().Length == 0)
        {
            throw new ToolArgumentException($"{tool}: argument '{p.Name}' is empty: send {p.Send}.");
        }

        if (p.Type == ParameterType.String && p.MaxLength is { } max && value.GetString()!.Length > max)
        {
            throw new ToolArgumentException($"{tool}: argument '{p.Name}' is longer than {max} characters: send {p.Send}.", ExitCodes.InvalidInput);
        }

        if (p.Type == ParameterType.Integer && (value.GetInt32() < p.Minimum || value.GetInt32() > p.Maximum))
        {
            throw new ToolArgumentException($"{tool}: argument '{p.Name}' is {value.GetInt32().ToString(CultureInfo.InvariantCulture)}, out of range: send {p.Send}.");
        }
    }

    private static string Kind(ParameterType type) => type switch
    {
        ParameterType.String => "a string",
        ParameterType.Boolean => "a boolean",
        _ => "an integer",
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{InputText.Quote(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {InputText.Quote(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
