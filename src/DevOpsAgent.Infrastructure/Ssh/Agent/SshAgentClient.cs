using System.Net.Sockets;

namespace DevOpsAgent.Infrastructure.Ssh.Agent;

/// <summary>
/// Talks to a running ssh-agent over its UNIX socket. Each request opens its own connection (the agent serves
/// any number), so the client holds nothing to dispose and may be used from any thread. Private keys never
/// leave the agent: it lists public keys and signs.
/// </summary>
public sealed class SshAgentClient(string socketPath)
{
    /// <summary>
    /// How long one request may take. Generous because a key added with <c>ssh-add -c</c> makes the agent
    /// ask its user to confirm each signature.
    /// </summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    public string SocketPath { get; } = socketPath;

    public async Task<IReadOnlyList<AgentIdentity>> RequestIdentitiesAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(SshAgentProtocol.RequestIdentitiesMessage(), timeout.Token);
            return SshAgentProtocol.ParseIdentitiesAnswer(await SshAgentProtocol.ReadMessageAsync(stream, timeout.Token));
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SshAgentException($"The ssh-agent at {SocketPath} did not answer within {RequestTimeout.TotalSeconds:0} s.", error);
        }
        catch (Exception error) when (error is SocketException or IOException)
        {
            throw Unreachable(error);
        }
    }

    /// <summary>
    /// Asks the agent to sign <paramref name="data"/> with the key whose public blob is given. Synchronous because
    /// SSH.NET asks for the signature synchronously, in the middle of its authentication exchange.
    /// </summary>
    public AgentSignature Sign(byte[] publicKeyBlob, byte[] data, AgentSignFlags flags)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                SendTimeout = (int)RequestTimeout.TotalMilliseconds,
                ReceiveTimeout = (int)RequestTimeout.TotalMilliseconds,
            };
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            stream.Write(SshAgentProtocol.SignRequestMessage(publicKeyBlob, data, flags));
            return SshAgentProtocol.ParseSignResponse(SshAgentProtocol.ReadMessage(stream));
        }
        catch (Exception error) when (error is SocketException or IOException)
        {
            throw Unreachable(error);
        }
    }

    private SshAgentException Unreachable(Exception error)
    {
        var socketError = error as SocketException ?? error.InnerException as SocketException;
        var why = socketError?.SocketErrorCode switch
        {
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when !File.Exists(SocketPath) =>
                "no such socket (an SSH_AUTH_SOCK left over from an old session?)",
            SocketError.ConnectionRefused => "nothing listens on it (the agent that made it has exited?)",
            _ => (socketError ?? error).Message,
        };
        return new SshAgentException($"Cannot reach the ssh-agent at {SocketPath}: {why}", error);
    }
}
