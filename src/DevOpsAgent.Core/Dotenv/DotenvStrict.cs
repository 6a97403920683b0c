using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// What <c>env push</c> and <c>env diff</c> accept, stricter than compose's parser: at most 1 MiB, UTF-8 without
/// NUL bytes, each key a shell variable name assigned once. A file sent to a server must mean one thing; each
/// refusal names the file and line, never a value.
/// </summary>
public static partial class DotenvStrict
{
    public const int MaxBytes = 1024 * 1024;

    public static DotenvFile Parse(ReadOnlySpan<byte> content, string name)
    {
        if (content.Length > MaxBytes)
        {
            throw new InvalidInputException($"{InputText.Quote(name)}: larger than {MaxBytes / 1024} KiB; a .env holds a few variables");
        }

        var (text, line, problem) = StrictText.Decode(content);
        if (text is null)
        {
            throw new DotenvException(InputText.Quote(name), line, problem);
        }

        var file = DotenvParser.Parse(text, InputText.Quote(name));
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
        {
            if (!VariableName().IsMatch(entry.Key))
            {
                throw new DotenvException(file.Path, entry.Line,
                    $"'{InputText.Quote(entry.Key)}' is not a variable name (letters, digits and '_', not starting with a digit)");
            }

            if (!first.TryAdd(entry.Key, entry.Line))
            {
                throw new DotenvException(file.Path, entry.Line, $"{entry.Key} is assigned again (first on line {first[entry.Key]})");
            }
        }

        return file;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}\z")]
    private static partial Regex VariableName();
}
