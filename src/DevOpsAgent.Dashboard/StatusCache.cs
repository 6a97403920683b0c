using System.Collections.Concurrent;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Dashboard;

/// <summary>One environment's live state, or the one line saying why it could not be read.</summary>
public sealed record StatusView(string Environment, EnvironmentStatus? Status, string? Error, DateTimeOffset ReadAt);

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
        using var timeout = new CancellationTokenSource(context.StatusTimeout);
        StatusView view;
        try
        {
            await using var runner = await context.ConnectAsync(environment, timeout.Token);
            var status = await EnvironmentStatus.ReadAsync(runner, environment, timeout.Token);
            view = new StatusView(environment.Name, status, null, time.GetUtcNow());
        }
        catch (Exception error)
        {
            var line = timeout.IsCancellationRequested ? $"no answer within {context.StatusTimeout.TotalSeconds:0} s" : DashboardErrors.OneLine(error);
            view = new StatusView(environment.Name, null, line, time.GetUtcNow());
        }
        finally
        {
            _reading.TryRemove(environment.Name, out _);
        }

        _known[environment.Name] = view;
        Signal();
        return view;
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
