using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Quality;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Infrastructure.Compose;

/// <summary>
/// Validates compose files against the compose specification's JSON schema (JsonSchema.Net). Errors are
/// reported at the line of the YAML node the schema complained about.
/// </summary>
public sealed class ComposeSchemaValidator(JsonSchema schema)
{
    // compose-spec.json names its dialect "https://json-schema.org/draft-07/schema"; JsonSchema.Net registers
    // draft 7 under its canonical id only, so the alias is rewritten before loading.
    // JsonSchema.Net registers a schema's $id process-wide and refuses to register it twice, so each distinct
    // schema text is built once.
    public static ComposeSchemaValidator FromText(string schemaText) => new(Built.GetOrAdd(schemaText, text => new Lazy<JsonSchema>(() => JsonSchema.FromText(
        text.Replace("\"https://json-schema.org/draft-07/schema\"", "\"http://json-schema.org/draft-07/schema#\"", StringComparison.Ordinal)))).Value);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<JsonSchema>> Built = new();

    public IReadOnlyList<Finding> Validate(ComposeFile compose)
    {
        using var document = JsonDocument.Parse(ToJson(compose.Root)?.ToJsonString() ?? "{}");
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }

        var errors = Failures(results)
            .GroupBy(d => d.InstanceLocation.ToString())
            .OrderByDescending(g => g.Key.Length)
            .ToList();

        // A failing oneOf reports every branch; the deepest locations say what is actually wrong.
        var deepest = errors.Where(g => !errors.Any(other => other.Key.Length > g.Key.Length && other.Key.StartsWith(g.Key + "/", StringComparison.Ordinal)));
        return Findings.Sorted(deepest.Select(group =>
        {
            var message = group.SelectMany(d => d.Errors!.Values).First();
            message = message.Contains("false schema", StringComparison.Ordinal) ? "is not allowed here (unknown property)" : message;
            var where = group.Key.Length == 0 ? "the file" : group.Key.TrimStart('/').Replace('/', '.');
            return new Finding("compose-schema", Severity.Error, compose.Path, LineOf(compose.Root, group.Key),
                $"{where}: {message}", "see the compose specification (https://compose-spec.io)");
        }));
    }

    /// <summary>
    /// Failing leaves, descending only through failing nodes: a oneOf that passed keeps its failed branches
    /// as valid-parent details, which are not errors.
    /// </summary>
    private static IEnumerable<EvaluationResults> Failures(EvaluationResults node)
    {
        if (node.IsValid)
        {
            yield break;
        }

        var failingChildren = (node.Details ?? []).Where(d => !d.IsValid).ToList();
        if (node.Errors is { Count: > 0 })
        {
            yield return node;
        }

        foreach (var failure in failingChildren.SelectMany(Failures))
        {
            yield return failure;
        }
    }

    private static int LineOf(YamlNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Replace("~1", "/").Replace("~0", "~")))
        {
            YamlNode? next = node switch
            {
                YamlMappingNode map => map.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == segment).Value,
                YamlSequenceNode list when int.TryParse(segment, out var index) && index < list.Children.Count => list.Children[index],
                _ => null,
            };
            if (next is null)
            {
                break;
            }

            node = next;
        }

        return ComposeFile.Line(node);
    }

    /// <summary>YAML to JSON with YAML 1.2 core types for plain scalars (numbers, booleans, null).</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create((c.Key as YamlScalarNode)?.Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && text.Any(char.IsDigit) && !text.Contains(':', StringComparison.Ordinal) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
