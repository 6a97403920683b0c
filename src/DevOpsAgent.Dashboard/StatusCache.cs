using System.Collections.Concurrent;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Dashboard;

/// <summary>
/// One environment's live state, or the one line saying why it could not be read. For an environment of several
/// hosts, <see cref="Status"/> and <see cref="Error"/> are its first host's (the primary) and <see cref="Hosts"/>
/// holds every host's own, primary first, so a fleet half on one release shows as such.
/// </summary>
public sealed record StatusView(string Environment, EnvironmentStatus? Status, string? Error, DateTimeOffset ReadAt)
{
    public IReadOnlyList<HostView> Hosts { get; init; } = [];
}

/// <summary>One host of a fleet: its state, or why it could not be read.</summary>
public sealed record HostView(string Host, EnvironmentStatus? Status, string? Error);

/// <summary>
/// The server's status over SSH, read in the background with a timeout and kept briefly: the page answers from
/// what is known and never waits on a dead server.
/// </summary>
public sealed class StatusCache(DashboardContext context, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, StatusView> _known = new();
    private readonly ConcurrentDictionary<string, Task> _reading = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the next time a state is stored or dropped; take it before reading, so no change falls between.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The last known state (null: never read yet); starts a refresh when it is older than the cache period.</summary>
    public StatusView? Get(EnvironmentConfig environment)
    {
        _known.TryGetValue(environment.Name, out var view);
        if (view is null || time.GetUtcNow() - view.ReadAt > context.StatusCacheFor)
        {
            _reading.GetOrAdd(environment.Name, _ => Task.Run(() => RefreshAsync(environment)));
        }

        return view;
    }

    public void Invalidate(string environment)
    {
        _known.TryRemove(environment, out _);
        Signal();
    }

    public async Task<StatusView> RefreshAsync(EnvironmentConfig environment)
    {
        StatusView view;
        try
        {
            if (environment.IsFleet)
            {
                // Every host at once, each within the same timeout: one dead host never hides the others.
                var hosts = await Task.WhenAll(environment.AllHosts.Select(h => ReadAsync(environment.OnHost(h), $"{h.User}@{h.Host}:{h.Port}")));
                view = new StatusView(environment.Name, hosts[0].Status, hosts[0].Error, time.GetUtcNow()) { Hosts = hosts };
            }
            else
            {
                var one = await ReadAsync(environment, environment.Server);
                view = new StatusView(environment.Name, one.Status, one.Error, time.GetUtcNow());
            }
        }
        finally
        {
            _reading.TryRemove(environment.Name, out _);
        }

        _known[environment.Name] = view;
        Signal();
        return view;
    }

    private async Task<HostView> ReadAsync(EnvironmentConfig environment, string host)
    {
        using var timeout = new CancellationTokenSource(context.StatusTimeout);
        try
        {
            await using var runner = await context.ConnectAsync(environment, timeout.Token);
            return new HostView(host, await EnvironmentStatus.ReadAsync(runner, environment, timeout.Token), null);
        }
        catch (Exception error)
        {
            return new HostView(host, null, timeout.IsCancellationRequested ? $"no answer within {context.StatusTimeout.TotalSeconds:0} s" : DashboardErrors.OneLine(error));
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
