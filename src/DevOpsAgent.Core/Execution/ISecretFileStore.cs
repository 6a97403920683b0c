namespace DevOpsAgent.Core.Execution;

/// <summary>
/// Files that hold secrets on a server (.env): read into memory and replaced atomically with mode 0600.
/// Contents travel as bytes over the connection and never appear in a command line, a message or a log.
/// Implemented over SFTP (a remote server) and over the local filesystem (<c>server: local</c>).
/// </summary>
public interface ISecretFileStore : IAsyncDisposable
{
    /// <summary>Where the files are, for messages: <c>deploy@staging.example.com:22</c>, <c>local</c>.</summary>
    string Target { get; }

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a temporary file next to <paramref name="path"/> (mode 0600 before any byte is written), then
    /// renames it over <paramref name="path"/>: a reader sees the old file or the new one, never a mix. Creates
    /// the folder when missing.
    /// </summary>
    Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
