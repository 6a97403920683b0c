using System.Net.Sockets;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Ssh.Agent;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>
/// Opens any SSH.NET client (commands, SFTP) to one server the same way: key authentication (a key file or the
/// ssh-agent's keys, see <see cref="SshCredentials"/>), the host key verified against known_hosts before any
/// credential is sent, one error type for every failure.
/// </summary>
internal static class SshConnection
{
    public static async Task<TClient> ConnectAsync<TClient>(SshTarget target, Func<ConnectionInfo, TClient> create, CancellationToken cancellationToken)
        where TClient : BaseClient
    {
        var knownHostsFile = target.KnownHostsFile ?? Path.Combine(HomeSsh(), "known_hosts");
        var credentials = await SshCredentials.ResolveAsync(target, cancellationToken);
        var connectionInfo = new ConnectionInfo(target.Host, target.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, [.. credentials.Keys]))
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
        catch (SshAuthenticationException error)
        {
            client.Dispose();
            throw new ConnectionFailedException(AuthenticationRefused(target, credentials, error), error);
        }
        catch (SshAgentException error)
        {
            client.Dispose();
            throw new ConnectionFailedException($"Cannot authenticate to {target}: {error.Message}", error);
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

    private static string AuthenticationRefused(SshTarget target, SshCredentials credentials, SshAuthenticationException error)
    {
        var problems = credentials.Problems.Count > 0 ? $"; also {string.Join("; ", credentials.Problems)}" : "";
        return $"Cannot connect to {target}: {error.Message.TrimEnd('.')} (offered {string.Join(", ", credentials.Offered)}{problems}).";
    }
}
