namespace DevOpsAgent.Core.Dotenv;

/// <summary>One piece of a compose template: literal text, or a reference to a variable.</summary>
public abstract record TemplatePart;

public sealed record LiteralPart(string Text) : TemplatePart;

/// <summary>
/// <c>$NAME</c>, <c>${NAME}</c> or <c>${NAME op content}</c> where op is one of <c>:- - :? ? :+ +</c>.
/// <see cref="Content"/> is the raw, not yet interpolated, text after the operator.
/// </summary>
public sealed record VariablePart(string Name, string? Operator, string Content) : TemplatePart;

/// <summary>
/// Splits a template the way compose-go's template package matches it. compose-go uses one greedy regex
/// (<c>\$(?i:(\$)|([_a-z][_a-z0-9]*)|{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|()))</c>) and then cuts the
/// match at the first balanced closing brace; this scanner reproduces that without the regex.
/// </summary>
public static class TemplateScanner
{
    private static readonly string[] Operators = [":-", ":?", ":+", "-", "?", "+"];

    public static IEnumerable<TemplatePart> Scan(string template)
    {
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] != '$' || i + 1 >= template.Length)
            {
                literal.Append(template[i++]);
                continue;
            }

            var next = template[i + 1];
            if (next == '$')
            {
                literal.Append('$');
                i += 2;
                continue;
            }

            if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < template.Length && IsNameChar(template[end]))
                {
                    end++;
                }

                if (literal.Length > 0)
                {
                    yield return new LiteralPart(literal.ToString());
                    literal.Clear();
                }

                yield return new VariablePart(template[(i + 1)..end], null, "");
                i = end;
                continue;
            }

            if (next != '{')
            {
                literal.Append('$');
                i++;
                continue;
            }

            if (literal.Length > 0)
            {
                yield return new LiteralPart(literal.ToString());
                literal.Clear();
            }

            var (part, consumed) = Braced(template, i);
            yield return part;
            i += consumed;
        }

        if (literal.Length > 0)
        {
            yield return new LiteralPart(literal.ToString());
        }
    }

    public static bool IsNameStart(char c) => c is '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    public static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    private static (VariablePart Part, int Consumed) Braced(string template, int start)
    {
        var nameStart = start + 2;
        var nameEnd = nameStart;
        if (nameEnd < template.Length && IsNameStart(template[nameEnd]))
        {
            while (nameEnd < template.Length && IsNameChar(template[nameEnd]))
            {
                nameEnd++;
            }
        }

        if (nameEnd == nameStart || nameEnd >= template.Length)
        {
            throw InvalidTemplate(template);
        }

        var name = template[nameStart..nameEnd];
        if (template[nameEnd] == '}')
        {
            return (new VariablePart(name, null, ""), nameEnd + 1 - start);
        }

        var op = Operators.FirstOrDefault(o => string.CompareOrdinal(template, nameEnd, o, 0, o.Length) == 0)
            ?? throw InvalidTemplate(template);
        var close = ClosingBrace(template, start);
        if (close < 0)
        {
            throw InvalidTemplate(template);
        }

        var contentStart = nameEnd + op.Length;
        return (new VariablePart(name, op, template[contentStart..close]), close + 1 - start);
    }

    /// <summary>
    /// compose-go's getFirstBraceClosingIndex over the regex match, which is greedy up to the last
    /// <c>}</c> on the line (<c>.</c> does not match a newline): the balanced brace when there is one,
    /// else that last brace.
    /// </summary>
    private static int ClosingBrace(string template, int start)
    {
        var lineEnd = template.IndexOf('\n', start);
        if (lineEnd < 0)
        {
            lineEnd = template.Length;
        }

        var lastBrace = template.LastIndexOf('}', lineEnd - 1, lineEnd - start);
        if (lastBrace < 0)
        {
            return -1;
        }

        var open = 0;
        for (var i = start; i <= lastBrace; i++)
        {
            if (template[i] == '}')
            {
                open--;
                if (open == 0)
                {
                    return i;
                }
            }

            if (template[i] == '{')
            {
                open++;
                i++;
            }
        }

        return lastBrace;
    }

    private static InterpolationException InvalidTemplate(string template) =>
        new($"Invalid template: \"{template}\"", template, isInvalidTemplate: true);
}
