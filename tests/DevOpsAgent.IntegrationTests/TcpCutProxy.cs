using System.Net;
using System.Net.Sockets;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// A TCP forwarder between the agent and a test-bed sshd, on a free loopback port, that a test can cut: every
/// open connection is reset (RST, the way a dropped link looks to the agent) and new ones are refused until
/// <see cref="Restore"/>.
/// </summary>
public sealed class TcpCutProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Socket> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    private TcpCutProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public static TcpCutProxy Start(string host, int port) => new(new IPEndPoint(IPAddress.Parse(host), port));

    public void Cut()
    {
        _cut = true;
        Socket[] victims;
        lock (_open)
        {
            victims = [.. _open];
            _open.Clear();
        }

        foreach (var socket in victims)
        {
            Reset(socket);
        }
    }

    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (_cut)
            {
                Reset(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            lock (_open)
            {
                if (_cut)
                {
                    Reset(client);
                    Reset(upstream);
                    return;
                }

                _open.Add(client);
                _open.Add(upstream);
            }

            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close sends RST instead of FIN, so the peer sees the connection die, not end.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
        }
    }
}
