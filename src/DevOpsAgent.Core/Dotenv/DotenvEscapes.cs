using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>The escapes compose expands in double-quoted .env values: POSIX echo's, and <c>\$</c>.</summary>
internal static partial class DotenvEscapes
{
    public static string Expand(string value) =>
        value.Contains('\\', StringComparison.Ordinal) ? Escape().Replace(value, Replace) : value;

    private static string Replace(Match match)
    {
        var text = match.Value;
        switch (text[1])
        {
            // \$ becomes $$, the interpolation's own escape, so that the value keeps a literal $.
            case '$': return "$$";
            case 'a': return "\a";
            case 'b': return "\b";
            case 'c': return text;
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '"': return "\"";
            case '\\': return "\\";
            case '0':
                // Go's UnquoteChar wants exactly three octal digits after the rewrite \0NNN -> \NNN.
                var digits = text[2..];
                if (digits.Length == 3 && digits.All(d => d is >= '0' and <= '7'))
                {
                    var code = Convert.ToInt32(digits, 8);
                    return code <= 255 ? ((char)code).ToString() : text;
                }

                return text;
            default: return text;
        }
    }

    [GeneratedRegex(@"\\(?:[abcfnrtv$""\\]|0\d{0,3})")]
    private static partial Regex Escape();
}
