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

    public static byte[]? ReadBounded(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var content = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            content.Write(buffer, 0, read);
            if (content.Length > maxBytes)
            {
                return null;
            }
        }

        return content.ToArray();
    }

    /// <summary>Why <paramref name="path"/> cannot be read as a small text file, or null when it can.</summary>
    public static string? NotAFile(string path) =>
        Directory.Exists(path) ? "is a folder, not a file"
        : !File.Exists(path) ? "not found"
        : null;

    /// <summary>The path with every symbolic link along it resolved (realpath).</summary>
    public static string RealPath(string path, int depth = 0)
    {
        var result = Path.GetPathRoot(Path.GetFullPath(path))!;
        foreach (var part in Path.GetFullPath(path)[result.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            var info = new DirectoryInfo(next);
            if (info.LinkTarget is not null && depth < 40 && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                next = RealPath(target.FullName, depth + 1);
            }

            result = next;
        }

        return result;
    }
}
