using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Locks;

namespace DevOpsAgent.Core.Operations;

/// <summary>
/// The envelope of every operation that changes a server: the environment's lock, the server's journal of what is
/// in flight (<see cref="OperationJournal"/>), and the step hook that keeps both current. Begun after the lock is
/// taken; it reads what the server records — the serving release and any interrupted operation's journal — before
/// anything else runs, and writes its own journal before anything changes. <see cref="ConcludeAsync"/> removes the
/// journal once the server is at a known release; a journal left behind is how the next operation learns that
/// this one did not finish.
/// </summary>
public sealed class ServerOperation : IAsyncDisposable
{
    private readonly ICommandRunner _runner;

    private ServerOperation(ICommandRunner runner, EnvironmentConfig environment, DeployLease lease, ServerRelease? serving, OperationJournal? interrupted, OperationJournal journal)
    {
        _runner = runner;
        Environment = environment;
        Lease = lease;
        Serving = serving;
        Interrupted = interrupted;
        Journal = journal;
    }

    public EnvironmentConfig Environment { get; }

    public DeployLease Lease { get; }

    /// <summary>The release the server records as serving (release.json), the last known good; null before the first deploy.</summary>
    public ServerRelease? Serving { get; }

    /// <summary>The journal an earlier operation left behind: it was interrupted and the server may be half-way.</summary>
    public OperationJournal? Interrupted { get; }

    /// <summary>This operation's journal as last written to the server.</summary>
    public OperationJournal Journal { get; private set; }

    /// <summary>Whether this operation concluded (the server is at a known release and the journal is gone).</summary>
    public bool Concluded { get; private set; }

    /// <summary>
    /// Takes the lock, reads the serving release and any interrupted journal, and writes this operation's journal.
    /// An interruption (a journal left behind, or a dead holder's lock) is reported to the observer.
    /// </summary>
    public static async Task<ServerOperation> BeginAsync(
        ICommandRunner runner, EnvironmentConfig environment, string action, LockInfo info, TimeSpan lockWait, TimeSpan staleAfter, IDeployObserver observer,
        IDeployHistory history, CancellationToken ct)
    {
        var lease = await DeployLock.AcquireAsync(runner, environment.Path, info, lockWait, staleAfter, ct);
        try
        {
            var serving = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), ct)).EnsureSuccess(runner.Target).StandardOutput);
            var interrupted = OperationJournal.Parse((await runner.RunAsync(OperationJournal.Read(environment.Path), ct)).EnsureSuccess(runner.Target).StandardOutput);
            if (interrupted is not null)
            {
                observer.CheckReported(new CheckResult("interrupted operation", false, interrupted.Describe()) { Blocking = false });
            }
            else if (lease.Abandoned is { } abandoned)
            {
                // A holder that died between taking the lock and writing its journal changed nothing.
                observer.CheckReported(new CheckResult("interrupted deploy", false, abandoned.DescribeInterruption()) { Blocking = false });
            }

            var journal = new OperationJournal
            {
                OperationId = info.DeployId,
                Action = action,
                Environment = environment.Name,
                StartedBy = info.Holder,
                StartedAt = info.StartedAt,
                Target = info.Target,
                KnownGoodCommit = serving?.Commit,
                KnownGoodVersion = serving?.Version,
                KnownGoodRevision = serving?.Revision,
                // Until it is recovered, what the interrupted operation left half-way stays this one's to recover.
                Switched = interrupted?.Switched ?? false,
                InvolvedCommits = interrupted is null ? [] : [.. interrupted.InvolvedCommits.Concat(Known(interrupted)).Distinct()],
            };
            (await runner.RunAsync(journal.Write(environment.Path), ct)).EnsureSuccess(runner.Target);
            await CloseInterruptedAsync(history, environment, interrupted?.OperationId ?? lease.Abandoned?.Info?.DeployId,
                interrupted?.Step ?? lease.Abandoned?.Info?.Step ?? "start", info.DeployId, ct);
            await lease.UpdateAsync(i => i with { PreviousCommit = serving?.Commit, PreviousRevision = serving?.Revision }, ct);
            return new ServerOperation(runner, environment, lease, serving, interrupted, journal);
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>The step hook for <see cref="DeploySteps.StepStarting"/>: the lock and the journal both say where the operation is.</summary>
    public async Task StepAsync(string step, CancellationToken ct)
    {
        await Lease.UpdateStepAsync(step, ct);
        await UpdateAsync(j => j with { Step = step }, ct);
    }

    public async Task UpdateAsync(Func<OperationJournal, OperationJournal> change, CancellationToken ct)
    {
        var updated = change(Journal);
        (await _runner.RunAsync(updated.Write(Environment.Path), ct)).EnsureSuccess(_runner.Target);
        Journal = updated;
    }

    /// <summary>The server is at a known release: the journal goes, and with it any interrupted operation's.</summary>
    public async Task ConcludeAsync(CancellationToken ct)
    {
        (await _runner.RunAsync(OperationJournal.Clear(Environment.Path), ct)).EnsureSuccess(_runner.Target);
        Concluded = true;
    }

    /// <summary>
    /// Puts the interrupted operation's journal back, as it was: for an operation that ran (or was refused) on an
    /// interrupted server without recovering it, so the next deploy or rollback is told what really was half-way.
    /// </summary>
    public async Task HandBackAsync(CancellationToken ct)
    {
        if (Interrupted is { } interrupted)
        {
            (await _runner.RunAsync(interrupted.Write(Environment.Path), ct)).EnsureSuccess(_runner.Target);
            Journal = interrupted;
        }
    }

    /// <summary>
    /// <see cref="ConcludeAsync"/> from a failure path: bounded, and never throwing over the failure being handled. On a
    /// lost connection the journal stays, which only makes the next run check the server again.
    /// </summary>
    public Task TryConcludeAsync() => QuietlyAsync(ConcludeAsync);

    /// <summary><see cref="HandBackAsync"/> on the way out, bounded and never throwing, like <see cref="TryConcludeAsync"/>.</summary>
    public Task TryHandBackAsync() => QuietlyAsync(HandBackAsync);

    /// <summary>Releases the lock (never throws). The journal stays unless the operation concluded.</summary>
    public ValueTask DisposeAsync() => Lease.DisposeAsync();

    /// <summary>
    /// A process killed with kill -9 could not finish its history row: the operation that finds its journal (or its
    /// dead lock) does, so no row stays "running".
    /// </summary>
    private static async Task CloseInterruptedAsync(
        IDeployHistory history, EnvironmentConfig environment, string? interruptedId, string step, string byId, CancellationToken ct)
    {
        if (interruptedId is null)
        {
            return;
        }

        foreach (var row in (await history.ListAsync(environment.Name, 50, ct)).Where(r => r.Id == interruptedId && r.Outcome == DeployOutcome.Running))
        {
            await history.SaveAsync(row with
            {
                Outcome = DeployOutcome.Failed,
                FinishedAt = row.FinishedAt ?? row.StartedAt,
                Error = $"interrupted (the process stopped without finishing, at step {step}); found and recovered by {byId}",
            }, ct);
        }
    }

    private static async Task QuietlyAsync(Func<CancellationToken, Task> finish)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await finish(timeout.Token);
        }
        catch (Exception error) when (error is DevOpsAgentException or OperationCanceledException)
        {
            // The journal on the server still says the server may be half-way: the safe side.
        }
    }

    private static IEnumerable<string> Known(OperationJournal journal) =>
        new[] { journal.TargetCommit, journal.KnownGoodCommit }.OfType<string>();
}
