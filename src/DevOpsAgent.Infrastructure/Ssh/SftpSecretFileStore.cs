using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Ssh;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>
/// Secret files on a server over SFTP, on a connection set up exactly like <see cref="SshCommandRunner"/>'s
/// (same key, same host-key verification). Contents go through the SFTP channel only: no shell, no command line.
/// </summary>
public sealed class SftpSecretFileStore : ISecretFileStore
{
    // SSH.NET takes permissions as the octal digits written in decimal.
    private const short OwnerReadWrite = 600;

    private readonly SftpClient _client;

    private SftpSecretFileStore(SshTarget target, SftpClient client)
    {
        _client = client;
        Target = target.ToString();
    }

    public string Target { get; }

    public static async Task<SftpSecretFileStore> ConnectAsync(SshTarget target, CancellationToken cancellationToken) =>
        new(target, await SshConnection.ConnectAsync(target, info => new SftpClient(info), cancellationToken));

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await _client.OpenAsync(path, FileMode.Open, FileAccess.Read, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (SftpPathNotFoundException)
        {
            return null;
        }
        catch (SshConnectionException error)
        {
            throw new ConnectionFailedException($"Lost the connection to {Target} while reading {path}: {error.Message}", error);
        }
        catch (SshException error) when (error is not SshConnectionException)
        {
            throw new RemoteFileException($"Cannot read {path} on {Target}: {error.Message}", error);
        }
    }

    public async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var slash = path.LastIndexOf('/');
        var directory = slash <= 0 ? "/" : path[..slash];
        var temporary = $"{directory}/.{path[(slash + 1)..]}.{Guid.NewGuid():N}.tmp";
        try
        {
            await EnsureDirectoryAsync(directory, cancellationToken);
            await using (var stream = await _client.OpenAsync(temporary, FileMode.CreateNew, FileAccess.Write, cancellationToken))
            {
                _client.ChangePermissions(temporary, OwnerReadWrite);
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            // posix-rename@openssh.com replaces the target in one step; plain SFTP rename refuses an existing target.
            _client.RenameFile(temporary, path, isPosix: true);
        }
        catch (SshConnectionException error)
        {
            throw new ConnectionFailedException($"Lost the connection to {Target} while writing {path}: {error.Message}", error);
        }
        catch (SshException error) when (error is not SshConnectionException)
        {
            throw new RemoteFileException($"Cannot write {path} on {Target}: {error.Message}", error);
        }
        finally
        {
            await DeleteIfPresentAsync(temporary);
        }
    }

    public ValueTask DisposeAsync()
    {
        SshConnection.Close(_client);
        return ValueTask.CompletedTask;
    }

    private async Task EnsureDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        var current = "";
        foreach (var part in directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (!await _client.ExistsAsync(current, cancellationToken))
            {
                await _client.CreateDirectoryAsync(current, cancellationToken);
            }
        }
    }

    private async Task DeleteIfPresentAsync(string path)
    {
        try
        {
            if (_client.IsConnected && await _client.ExistsAsync(path, CancellationToken.None))
            {
                await _client.DeleteFileAsync(path, CancellationToken.None);
            }
        }
        catch (SshException)
        {
            // Best effort: the temporary file is 0600 and named as such; the original error matters more.
        }
    }
}
