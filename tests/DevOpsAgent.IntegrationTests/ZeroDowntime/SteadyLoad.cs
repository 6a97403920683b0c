using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace DevOpsAgent.IntegrationTests.ZeroDowntime;

/// <summary>What a <see cref="SteadyLoad"/> sends.</summary>
public sealed record SteadyLoadOptions
{
    public required Uri GetUrl { get; init; }

    /// <summary>Where POSTs go; null sends GETs only.</summary>
    public Uri? PostUrl { get; init; }

    public string PostJson { get; init; } = "{}";

    /// <summary>The share of requests that are POSTs, 0 to 1.</summary>
    public double PostShare { get; init; }

    /// <summary>The target rate over all workers together.</summary>
    public int RequestsPerSecond { get; init; } = 100;

    /// <summary>Half of them on keep-alive connections, half sending <c>Connection: close</c>; at least 2.</summary>
    public int Workers { get; init; } = 8;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>What a load saw, from <see cref="SteadyLoad.Start"/> to <see cref="SteadyLoad.StopAsync"/>.</summary>
/// <param name="FirstErrors">The first few failures: a status and the start of its body, or an exception's message.</param>
/// <param name="LongestGap">The longest time between two successful responses (a switch's outage shows here).</param>
/// <param name="PostsSucceeded">POSTs answered 2xx (to compare with the rows the server kept).</param>
/// <param name="Bodies">How often each GET body was answered (trimmed; the first 20 distinct bodies of up to 100 characters,
/// the rest counted as <c>(other)</c>): which slot served.</param>
/// <param name="KeepAliveConnections">Connections the keep-alive workers opened: one each when no connection was dropped.</param>
public sealed record SteadyLoadSummary(
    int Requests,
    int Succeeded,
    int Failed,
    IReadOnlyList<string> FirstErrors,
    TimeSpan LongestGap,
    int PostsSucceeded,
    IReadOnlyDictionary<string, int> Bodies,
    int KeepAliveConnections,
    TimeSpan Duration)
{
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Requests / Duration.TotalSeconds : 0;

    public override string ToString() =>
        $"{Requests} requests in {Duration.TotalSeconds:0.0}s ({RequestsPerSecond:0}/s): {Succeeded} succeeded, {Failed} failed, "
        + $"{PostsSucceeded} POSTs 2xx, longest gap {LongestGap.TotalMilliseconds:0} ms, {KeepAliveConnections} keep-alive connections opened; "
        + $"bodies: {string.Join(", ", Bodies.Select(b => $"{b.Key} ×{b.Value}"))}"
        + (FirstErrors.Count > 0 ? $"; first errors: {string.Join(" | ", FirstErrors)}" : "");
}

/// <summary>
/// A steady HTTP load for zero-downtime tests and benchmarks: requests at a fixed rate split over workers, half
/// of them reusing keep-alive connections and half opening a new connection per request, GETs and POSTs mixed.
/// Workers that fall behind do not burst to catch up. Stopping lets the requests in flight finish.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    private const int ErrorsKept = 5;
    private const int BodiesKept = 20;
    private const string OtherBody = "(other)";
    private readonly SteadyLoadOptions _options;
    private readonly object _gate = new();
    private readonly List<string> _errors = [];
    private readonly Dictionary<string, int> _bodies = [];
    private readonly HttpClient _keepAlive;
    private readonly HttpClient _closing;
    private readonly List<Task> _workers = [];
    private volatile bool _stopping;
    private int _requests, _succeeded, _failed, _postsSucceeded, _keepAliveConnections;
    private long _started, _lastSuccess;
    private TimeSpan _longestGap;

    public SteadyLoad(SteadyLoadOptions options)
    {
        if (options.Workers < 2 || options.RequestsPerSecond < 1 || options.PostShare is < 0 or > 1)
        {
            throw new ArgumentException("A steady load needs at least 2 workers, a rate of at least 1/s and a POST share between 0 and 1.", nameof(options));
        }

        _options = options;
        _keepAlive = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref _keepAliveConnections);
                return await Connect(context, cancellationToken);
            },
        }) { Timeout = options.RequestTimeout };
        _closing = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = options.RequestTimeout };
    }

    /// <summary>Starts the workers; returns at once.</summary>
    public SteadyLoad Start()
    {
        _started = _lastSuccess = Stopwatch.GetTimestamp();
        var interval = TimeSpan.FromSeconds((double)_options.Workers / _options.RequestsPerSecond);
        for (var worker = 0; worker < _options.Workers; worker++)
        {
            var client = worker % 2 == 0 ? _keepAlive : _closing;
            var offset = interval * worker / _options.Workers;
            var seed = worker;
            _workers.Add(Task.Run(() => RunAsync(client, client == _closing, interval, offset, new Random(seed))));
        }

        return this;
    }

    /// <summary>Stops sending, waits for the requests in flight, and says what happened.</summary>
    public async Task<SteadyLoadSummary> StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_workers);
        lock (_gate)
        {
            return new SteadyLoadSummary(_requests, _succeeded, _failed, [.. _errors], _longestGap, _postsSucceeded,
                new Dictionary<string, int>(_bodies), _keepAliveConnections, Stopwatch.GetElapsedTime(_started));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping)
        {
            await StopAsync();
        }

        _keepAlive.Dispose();
        _closing.Dispose();
    }

    private async Task RunAsync(HttpClient client, bool close, TimeSpan interval, TimeSpan offset, Random random)
    {
        var next = Stopwatch.GetElapsedTime(_started) + offset;
        while (!_stopping)
        {
            var wait = next - Stopwatch.GetElapsedTime(_started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            if (_stopping)
            {
                break;
            }

            var post = _options.PostUrl is not null && random.NextDouble() < _options.PostShare;
            await SendAsync(client, close, post);
            // Behind schedule: carry on from now rather than sending a burst.
            next = Max(next + interval, Stopwatch.GetElapsedTime(_started));
        }
    }

    private async Task SendAsync(HttpClient client, bool close, bool post)
    {
        using var request = post
            ? new HttpRequestMessage(HttpMethod.Post, _options.PostUrl) { Content = new StringContent(_options.PostJson, Encoding.UTF8, "application/json") }
            : new HttpRequestMessage(HttpMethod.Get, _options.GetUrl);
        request.Headers.ConnectionClose = close;
        string? error = null;
        string body = "";
        try
        {
            using var response = await client.SendAsync(request);
            body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                error = $"{request.Method} {(int)response.StatusCode}: {body.Trim()[..Math.Min(body.Trim().Length, 80)]}";
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            error = $"{request.Method}: {exception.GetType().Name}: {exception.Message}" + (exception.InnerException is { } inner ? $" ({inner.Message})" : "");
        }

        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _requests++;
            if (error is not null)
            {
                _failed++;
                if (_errors.Count < ErrorsKept)
                {
                    _errors.Add(error);
                }

                return;
            }

            _succeeded++;
            _postsSucceeded += post ? 1 : 0;
            var gap = Stopwatch.GetElapsedTime(_lastSuccess, now);
            _longestGap = gap > _longestGap ? gap : _longestGap;
            _lastSuccess = Math.Max(_lastSuccess, now);
            if (!post)
            {
                var key = body.Trim();
                key = key.Length <= 100 && (_bodies.ContainsKey(key) || _bodies.Count < BodiesKept) ? key : OtherBody;
                _bodies[key] = _bodies.GetValueOrDefault(key) + 1;
            }
        }
    }

    private static async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
