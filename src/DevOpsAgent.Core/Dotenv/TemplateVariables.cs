namespace DevOpsAgent.Core.Dotenv;

/// <summary>A variable a template references, as compose-go's ExtractVariables reports it.</summary>
public sealed record TemplateVariable(string Name, string DefaultValue, bool Required, string PresenceValue)
{
    /// <summary>True when the template itself supplies a value (<c>:-</c> or <c>-</c>).</summary>
    public bool HasDefault => DefaultValue.Length > 0;
}

public static class TemplateVariables
{
    /// <summary>Every variable referenced by <paramref name="template"/>, nested defaults included, in order.</summary>
    public static IEnumerable<TemplateVariable> Extract(string template) => ExtractWithNeed(template).Select(v => v.Variable);

    /// <summary>
    /// As <see cref="Extract"/>, with whether the template needs the variable: <c>${X:-…}</c>, <c>${X-…}</c>,
    /// <c>${X:+…}</c> and <c>${X+…}</c> substitute something (even nothing, for <c>${X:-}</c>) without a
    /// warning when X is unset; <c>$X</c>, <c>${X}</c> and <c>${X:?}</c> do not.
    /// </summary>
    public static IEnumerable<(TemplateVariable Variable, bool Optional)> ExtractWithNeed(string template)
    {
        if (!template.Contains('$', StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (var part in TemplateScanner.Scan(template))
        {
            if (part is not VariablePart variable)
            {
                continue;
            }

            var op = variable.Operator;
            var content = variable.Content;
            var defaultValue = op is ":-" or "-" ? content : "";
            var presence = op is ":+" or "+" ? content : "";
            yield return (new TemplateVariable(variable.Name, defaultValue, op is ":?" or "?", presence), op is ":-" or "-" or ":+" or "+");

            foreach (var nested in ExtractWithNeed(defaultValue.Length > 0 ? defaultValue : presence))
            {
                yield return (nested.Variable, true);
            }
        }
    }

    /// <summary>
    /// Variables referenced anywhere in a tree of dictionaries, lists and scalars (a parsed compose file);
    /// a later reference to the same name replaces an earlier one, as in compose-go.
    /// </summary>
    public static IReadOnlyDictionary<string, TemplateVariable> ExtractFromTree(object? tree)
    {
        var found = new Dictionary<string, TemplateVariable>(StringComparer.Ordinal);
        Walk(tree, found);
        return found;
    }

    private static void Walk(object? node, Dictionary<string, TemplateVariable> found)
    {
        switch (node)
        {
            case string text:
                foreach (var variable in Extract(text))
                {
                    found[variable.Name] = variable;
                }

                break;
            case IDictionary<string, object?> map:
                foreach (var value in map.Values)
                {
                    Walk(value, found);
                }

                break;
            case IEnumerable<object?> list:
                foreach (var item in list)
                {
                    Walk(item, found);
                }

                break;
        }
    }
}
