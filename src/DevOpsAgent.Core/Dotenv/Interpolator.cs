using System.Text;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// Substitutes <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>,
/// <c>${VAR:?error}</c>, <c>${VAR?error}</c>, <c>${VAR:+alt}</c>, <c>${VAR+alt}</c> and <c>$$</c> with
/// compose-go's semantics. <paramref name="lookup"/> returns null for an unset variable; "" is set-but-empty.
/// </summary>
public static class Interpolator
{
    public static string Substitute(string template, Func<string, string?> lookup)
    {
        if (!template.Contains('$', StringComparison.Ordinal))
        {
            return template;
        }

        var output = new StringBuilder(template.Length);
        foreach (var part in TemplateScanner.Scan(template))
        {
            output.Append(part switch
            {
                LiteralPart literal => literal.Text,
                VariablePart variable => Resolve(variable, lookup),
                _ => throw new InvalidOperationException(part.GetType().Name),
            });
        }

        return output.ToString();
    }

    private static string Resolve(VariablePart variable, Func<string, string?> lookup)
    {
        var value = lookup(variable.Name);
        switch (variable.Operator)
        {
            case null:
                return value ?? "";
            case ":-":
            {
                // compose-go interpolates a default before it knows whether the default is used.
                var fallback = Substitute(variable.Content, lookup);
                return string.IsNullOrEmpty(value) ? fallback : value;
            }

            case "-":
            {
                var fallback = Substitute(variable.Content, lookup);
                return value ?? fallback;
            }

            case ":?":
            case "?":
            {
                var reason = Substitute(variable.Content, lookup);
                var missing = value is null || (variable.Operator == ":?" && value.Length == 0);
                return missing ? throw MissingRequired(variable.Name, reason) : value!;
            }

            case ":+":
                return string.IsNullOrEmpty(value) ? "" : Substitute(variable.Content, lookup);
            case "+":
                return value is null ? "" : Substitute(variable.Content, lookup);
            default:
                throw new InvalidOperationException(variable.Operator);
        }
    }

    private static InterpolationException MissingRequired(string name, string reason)
    {
        var message = reason.Length > 0
            ? $"required variable {name} is missing a value: {reason}"
            : $"required variable {name} is missing a value";
        return new InterpolationException(message, "", variable: name);
    }
}
