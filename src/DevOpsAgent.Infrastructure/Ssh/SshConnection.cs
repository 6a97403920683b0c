using System.Net.Sockets;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Ssh;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>
/// Opens any SSH.NET client (commands, SFTP) to one server the same way: key authentication from a file,
/// the host key verified against known_hosts before any credential is sent, one error type for every failure.
/// </summary>
internal static class SshConnection
{
    public static async Task<TClient> ConnectAsync<TClient>(SshTarget target, Func<ConnectionInfo, TClient> create, CancellationToken cancellationToken)
        where TClient : BaseClient
    {
        var keyFile = target.IdentityFile ?? DefaultIdentityFile()
            ?? throw new ConnectionFailedException($"No SSH private key for {target}: set identity_file or create ~/.ssh/id_ed25519.");
        var knownHostsFile = target.KnownHostsFile ?? Path.Combine(HomeSsh(), "known_hosts");

        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(keyFile);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new ConnectionFailedException($"Cannot read SSH private key {keyFile}: {error.Message}", error);
        }

        var connectionInfo = new ConnectionInfo(target.Host, target.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, key))
        {
            Timeout = target.ConnectTimeout,
        };
        var verifier = new HostKeyVerifier(target, knownHostsFile);
        var client = create(connectionInfo);
        client.HostKeyReceived += verifier.OnHostKeyReceived;
        client.KeepAliveInterval = TimeSpan.FromSeconds(15);
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (Exception error) when (error is SshException or SocketException or TimeoutException or IOException)
        {
            client.Dispose();
            throw new ConnectionFailedException(verifier.Refusal ?? $"Cannot connect to {target}: {error.Message}", error);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }

    public static void Close(BaseClient client)
    {
        if (client.IsConnected)
        {
            client.Disconnect();
        }

        client.Dispose();
    }

    private static string HomeSsh() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");

    private static string? DefaultIdentityFile() =>
        new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(name => Path.Combine(HomeSsh(), name)).FirstOrDefault(File.Exists);
}
