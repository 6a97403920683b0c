using DevOpsAgent.Core.Execution;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Infrastructure.Local;

/// <summary>Secret files on this machine, for <c>server: local</c>.</summary>
public sealed class LocalSecretFileStore : ISecretFileStore
{
    public string Target => "local";

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;

    public Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return SecretFileWriter.WriteAsync(path, content, overwrite: true, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
