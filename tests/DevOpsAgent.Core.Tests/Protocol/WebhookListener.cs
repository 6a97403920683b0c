using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>A real HTTP endpoint on 127.0.0.1 that records POSTed bodies and answers with the given status codes in turn.</summary>
public sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<int> _statuses;
    private readonly int _fallbackStatus;

    public WebhookListener(params int[] statuses)
    {
        _statuses = new Queue<int>(statuses.Length == 0 ? [200] : statuses[..^1]);
        _fallbackStatus = statuses.Length == 0 ? 200 : statuses[^1];
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/devops/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<string> Bodies { get; } = new();

    public int Attempts;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            Bodies.Enqueue(await reader.ReadToEndAsync());
            Interlocked.Increment(ref Attempts);
            lock (_statuses)
            {
                context.Response.StatusCode = _statuses.Count > 0 ? _statuses.Dequeue() : _fallbackStatus;
            }

            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
