using System.Buffers;
using System.Text;

namespace DevOpsAgent.Infrastructure.Configuration;

/// <summary>
/// Reads a small local file the user named (a config, a .env, a message) with a hard size cap, so a huge file,
/// /dev/zero or a device never turns into an unbounded read.
/// </summary>
public static class LocalFiles
{
    public const int OneMebibyte = 1024 * 1024;

    /// <summary>At most <paramref name="maxBytes"/> bytes, or null when the file holds more.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(string path, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var content = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            content.Write(buffer, 0, read);
            if (content.Length > maxBytes)
            {
                return null;
            }
        }

        return content.ToArray();
    }

    public static byte[]? ReadBounded(string path, int maxBytes) =>
        ReadBoundedAsync(path, maxBytes, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The text of UTF-8 <paramref name="bytes"/>, or the 1-based line of the first byte that is not UTF-8.</summary>
    public static (string? Text, int BadLine) DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        var line = 1;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                return (null, line);
            }

            if (bytes[offset] == '\n')
            {
                line++;
            }

            offset += consumed;
        }

        var text = Encoding.UTF8.GetString(bytes);
        return (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, 0);
    }

    /// <summary>The 1-based line of the first NUL byte, or 0.</summary>
    public static int NulLine(ReadOnlySpan<byte> bytes)
    {
        var at = bytes.IndexOf((byte)0);
        return at < 0 ? 0 : bytes[..at].Count((byte)'\n') + 1;
    }

    /// <summary>Why <paramref name="path"/> cannot be read as a small text file, or null when it can.</summary>
    public static string? NotAFile(string path) =>
        Directory.Exists(path) ? "is a folder, not a file"
        : !File.Exists(path) ? "not found"
        : null;
}
