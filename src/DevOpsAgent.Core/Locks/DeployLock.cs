using System.Diagnostics;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Locks;

/// <summary>Takes, inspects and releases the deploy lock of an app folder on a server.</summary>
public static class DeployLock
{
    /// <summary>How long a lock may go without a heartbeat before its holder is presumed dead.</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Takes the lock for <paramref name="info"/>'s deploy. A lock held by a live deploy is waited for (polling) up
    /// to <paramref name="wait"/>, then refused with <see cref="DeployLockedException"/> naming its holder. A lock
    /// whose heartbeat is older than <paramref name="staleAfter"/> (server clock) is taken over, and the dead
    /// deploy's info is handed back as <see cref="DeployLease.Abandoned"/>. <paramref name="onWaiting"/> is called
    /// once, when the wait starts.
    /// </summary>
    public static async Task<DeployLease> AcquireAsync(
        ICommandRunner runner, string appPath, LockInfo info, TimeSpan wait, TimeSpan staleAfter, CancellationToken cancellationToken,
        Action<LockStatus>? onWaiting = null)
    {
        var waited = Stopwatch.StartNew();
        var announced = false;
        for (var attempt = 1; ; attempt++)
        {
            var acquire = await runner.RunAsync(DeployLockCommands.Acquire(appPath, info), cancellationToken);
            if (!acquire.Succeeded)
            {
                // The lock's script is long; what the operator needs is which folder and why (permissions, a full disk).
                throw new DevOpsAgentException($"Cannot take the deploy lock {DeployLockCommands.LockPathOf(appPath)} on {runner.Target}: "
                    + $"{Secrets.Redaction.Redact(acquire.StandardError.Trim().Split('\n').LastOrDefault() ?? "")} (exit code {acquire.ExitCode})", ExitCodes.CommandFailed);
            }

            var answer = acquire.StandardOutput.Trim();
            if (answer == DeployLockCommands.Acquired)
            {
                return DeployLease.Start(runner, appPath, info, staleAfter, abandoned: null);
            }

            // Each attempt that does not wait follows a change on the server (a release, a takeover); endless changes
            // mean a server (or a dry run's recorder) that does not behave like a filesystem.
            if (attempt > 20)
            {
                throw new DevOpsAgentException($"Could not take the deploy lock {DeployLockCommands.LockPathOf(appPath)} on {runner.Target}: "
                    + $"the lock keeps changing (last answer: '{answer}')", ExitCodes.CommandFailed);
            }

            var status = await StatusAsync(runner, appPath, staleAfter, cancellationToken);
            if (status.State == LockState.Abandoned)
            {
                var takeOver = (await runner.RunAsync(DeployLockCommands.TakeOver(appPath, status.Owner ?? "", staleAfter, info), cancellationToken))
                    .EnsureSuccess(runner.Target);
                if (takeOver.StandardOutput.Trim() == DeployLockCommands.Acquired)
                {
                    return DeployLease.Start(runner, appPath, info, staleAfter, status);
                }

                continue;
            }

            if (status.State == LockState.Free)
            {
                continue;
            }

            if (waited.Elapsed >= wait)
            {
                throw Refusal(runner, appPath, info.Environment, status, waited.Elapsed);
            }

            if (!announced)
            {
                onWaiting?.Invoke(status);
                announced = true;
            }

            attempt = 0;
            await Task.Delay(Min(PollInterval, wait - waited.Elapsed), cancellationToken);
        }
    }

    public static async Task<LockStatus> StatusAsync(ICommandRunner runner, string appPath, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        var read = (await runner.RunAsync(DeployLockCommands.Read(appPath), cancellationToken)).EnsureSuccess(runner.Target);
        return LockStatus.Parse(read.StandardOutput, staleAfter);
    }

    /// <summary>
    /// Releases the lock for an operator: a free lock stays free; an abandoned one is released; a live deploy's
    /// lock needs <paramref name="force"/>. Only the lock that was inspected is removed, never one taken meanwhile.
    /// Returns the lock as it was.
    /// </summary>
    public static async Task<LockStatus> ReleaseAsync(
        ICommandRunner runner, string appPath, string environment, bool force, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(runner, appPath, staleAfter, cancellationToken);
        if (status.State == LockState.Free)
        {
            return status;
        }

        if (status.State == LockState.Held && !force)
        {
            throw new DeployLockedException(
                $"{environment} is locked by a live {status.Info?.Describe() ?? $"deploy {status.OwnerId}"} (last heartbeat "
                + $"{(long)(status.HeartbeatAge ?? TimeSpan.Zero).TotalSeconds}s ago): not released; add --force to release someone else's lock", status);
        }

        var release = await runner.RunAsync(DeployLockCommands.Release(appPath, status.OwnerId), cancellationToken);
        if (release.ExitCode == DeployLockCommands.NotOwnerExitCode)
        {
            throw new DeployLockedException($"the lock of {environment} changed hands while releasing it ({release.StandardError.Trim()}): not released", status);
        }

        release.EnsureSuccess(runner.Target);
        return status;
    }

    internal static DeployLockedException Refusal(ICommandRunner runner, string appPath, string environment, LockStatus status, TimeSpan waited) =>
        new($"{environment} ({appPath} on {runner.Target}) is locked: {status.Describe()}"
            + (waited >= TimeSpan.FromSeconds(1) ? $"; still locked after waiting {(long)waited.TotalSeconds}s" : "")
            + $". Wait for it (--lock-wait), or if that deploy is dead, `devops-agent lock release {environment} --force`", status);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
