using System.Globalization;
using System.Text;

namespace DevOpsAgent.Core.Errors;

/// <summary>
/// Text taken from the user or a file, made safe to print in an error: one line, control, bidi and zero-width
/// characters and everything outside the BMP shown as <c>\u{202E}</c>-style escapes (so nothing can reorder or hide what the terminal
/// shows), and a length cap, so a 2 MB value never reaches the terminal.
/// </summary>
public static class InputText
{
    /// <summary>How much of a value taken from input an error quotes.</summary>
    public const int QuoteLength = 80;

    /// <summary>The most an error line may hold, whatever it quotes.</summary>
    public const int LineLength = 1000;

    public static string Quote(string text) => Escape(text, QuoteLength);

    public static string OneLine(string text) => Escape(text, LineLength);

    /// <summary><c>U+0430</c>: how an offending character is named.</summary>
    public static string CodePoint(int value) => $"U+{value.ToString("X4", CultureInfo.InvariantCulture)}";

    /// <summary>True for what must never reach a terminal raw: controls, bidi overrides and isolates, zero-width and other format characters, lone surrogates.</summary>
    public static bool IsHidden(char c) =>
        char.IsControl(c) || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    private static string Escape(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 16);
        var i = 0;
        for (; i < text.Length && builder.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // Outside the BMP live invisible tag characters (U+E0000…) as well as emoji: all escaped.
                builder.Append($"\\u{{{char.ConvertToUtf32(c, text[++i]).ToString("X4", CultureInfo.InvariantCulture)}}}");
            }
            else if (IsHidden(c))
            {
                builder.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    '\0' => "\\0",
                    _ => $"\\u{{{((int)c).ToString("X4", CultureInfo.InvariantCulture)}}}",
                });
            }
            else
            {
                builder.Append(c);
            }
        }

        return i < text.Length ? $"{builder}… ({text.Length - i} more characters)" : builder.ToString();
    }
}
