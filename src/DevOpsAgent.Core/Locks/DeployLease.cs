using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Locks;

/// <summary>
/// A held deploy lock. Beats in the background over the holder's runner until disposed, keeps the lock's step
/// current, and releases the lock on dispose: on success, failure and rollback alike.
/// </summary>
public sealed class DeployLease : IAsyncDisposable
{
    private readonly ICommandRunner _runner;
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;
    private bool _released;

    private DeployLease(ICommandRunner runner, string appPath, LockInfo info, TimeSpan heartbeatInterval, LockStatus? abandoned)
    {
        _runner = runner;
        AppPath = appPath;
        Info = info;
        HeartbeatInterval = heartbeatInterval;
        Abandoned = abandoned;
    }

    public string AppPath { get; }

    /// <summary>The lock's info as last written to the server.</summary>
    public LockInfo Info { get; private set; }

    /// <summary>
    /// The lock of a deploy that died, when this one was taken over from it: its step, previous commit and
    /// revision say what was left half-done and which release was the last known good (see
    /// <see cref="LockStatus.DescribeInterruption"/>). Null when the lock was free.
    /// </summary>
    public LockStatus? Abandoned { get; }

    public TimeSpan HeartbeatInterval { get; }

    /// <summary>
    /// True once the server says the lock is another deploy's: this holder was presumed dead (no heartbeat for
    /// longer than the stale limit, e.g. a long network cut) and was taken over. It must stop touching the server.
    /// </summary>
    public bool IsLost { get; private set; }

    /// <summary>The last heartbeat failure (a transient connection problem), for diagnostics; the lease keeps beating.</summary>
    public string? LastHeartbeatError { get; private set; }

    internal static DeployLease Start(ICommandRunner runner, string appPath, LockInfo info, TimeSpan staleAfter, LockStatus? abandoned)
    {
        // Three beats per stale period, so one or two lost beats never make a live deploy look dead.
        var interval = TimeSpan.FromTicks(Math.Clamp(staleAfter.Ticks / 3, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(10).Ticks));
        var lease = new DeployLease(runner, appPath, info, interval, abandoned);
        lease._heartbeat = Task.Run(() => lease.BeatAsync(lease._stop.Token));
        return lease;
    }

    public Task UpdateStepAsync(string step, CancellationToken cancellationToken) => UpdateAsync(info => info with { Step = step }, cancellationToken);

    /// <summary>Changes the lock's info on the server (e.g. <c>i =&gt; i with { PreviousCommit = c, PreviousRevision = r }</c>).</summary>
    public async Task UpdateAsync(Func<LockInfo, LockInfo> change, CancellationToken cancellationToken)
    {
        var updated = change(Info) with { DeployId = Info.DeployId };
        await RunOwnedAsync(DeployLockCommands.Update(AppPath, updated), cancellationToken);
        Info = updated;
    }

    /// <summary>Stops the heartbeat and removes the lock if it is still this deploy's. Idempotent.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await StopHeartbeatAsync();
        if (_released || IsLost)
        {
            return;
        }

        await RunOwnedAsync(DeployLockCommands.Release(AppPath, Info.DeployId), cancellationToken);
        _released = true;
    }

    /// <summary>
    /// Releases the lock. Never throws: dispose runs while another exception may be propagating, and a lock that
    /// could not be released (connection lost) stops beating and is taken over once stale.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ReleaseAsync(timeout.Token);
        }
#pragma warning disable CA1031 // see the summary: dispose must not mask the deploy's own outcome
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _stop.Dispose();
    }

    private async Task RunOwnedAsync(Shell.ShellCommand command, CancellationToken cancellationToken)
    {
        if (IsLost)
        {
            throw Lost("");
        }

        var result = await _runner.RunAsync(command, cancellationToken);
        if (result.ExitCode == DeployLockCommands.NotOwnerExitCode)
        {
            IsLost = true;
            throw Lost(result.StandardError.Trim());
        }

        result.EnsureSuccess(_runner.Target);
    }

    private DeployLockedException Lost(string detail) =>
        new($"deploy {Info.DeployId} lost the lock of {Info.Environment}: it was taken over after its heartbeat stopped"
            + (detail.Length > 0 ? $" ({detail})" : ""), new LockStatus(LockState.Held, null, null, null));

    private async Task StopHeartbeatAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _heartbeat;
    }

    private async Task BeatAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(HeartbeatInterval, stop);
                var result = await _runner.RunAsync(DeployLockCommands.Heartbeat(AppPath, Info.DeployId), stop);
                if (result.ExitCode == DeployLockCommands.NotOwnerExitCode)
                {
                    IsLost = true;
                    return;
                }

                LastHeartbeatError = result.Succeeded ? null : $"exit code {result.ExitCode}: {result.StandardError.Trim()}";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a background loop: a transient failure is kept for diagnostics, the next beat retries
            catch (Exception error)
#pragma warning restore CA1031
            {
                LastHeartbeatError = error.Message;
            }
        }
    }
}
