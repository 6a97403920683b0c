using System.Text;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Infrastructure.Projects;

/// <summary>Writes files that hold secrets: owner read/write only (0600), atomically, never over a file unless asked.</summary>
public static class SecretFileWriter
{
    public static Task WriteAsync(string path, string content, bool overwrite, CancellationToken cancellationToken) =>
        WriteAsync(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content), overwrite, cancellationToken);

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool overwrite, CancellationToken cancellationToken)
    {
        if (File.Exists(path) && !overwrite)
        {
            throw new InvalidInputException($"{path} already exists; pass --force to replace it");
        }

        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(content, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
