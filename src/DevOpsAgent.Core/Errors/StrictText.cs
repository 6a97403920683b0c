using System.Buffers;
using System.Text;

namespace DevOpsAgent.Core.Errors;

/// <summary>Bytes from a local file accepted as text only when they are UTF-8 without NUL bytes; the refusal names the line.</summary>
public static class StrictText
{
    /// <summary>The text (a leading BOM dropped), or the 1-based line of the first NUL or non-UTF-8 byte and why.</summary>
    public static (string? Text, int Line, string Problem) Decode(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        var line = 1;
        while (offset < bytes.Length)
        {
            if (bytes[offset] == 0)
            {
                return (null, line, "a NUL byte (this is not a text file)");
            }

            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return (null, line, "not valid UTF-8");
            }

            if (bytes[offset] == '\n')
            {
                line++;
            }

            offset += consumed;
        }

        var text = Encoding.UTF8.GetString(bytes);
        return (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, 0, "");
    }
}
