namespace DevOpsAgent.Core.Operations;

/// <summary>
/// A token for work that must not stop half-way when the caller cancels (a rollback, the way back to a known
/// release): it is cancelled only <paramref name="grace"/> after <paramref name="cancellationToken"/> is, so the
/// work is bounded but gets to finish.
/// </summary>
public sealed class Grace : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _registration;

    public Grace(CancellationToken cancellationToken, TimeSpan grace) =>
        _registration = cancellationToken.Register(() => _source.CancelAfter(grace));

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _source.Dispose();
    }
}
