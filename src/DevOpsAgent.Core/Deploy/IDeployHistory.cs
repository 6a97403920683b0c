namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// Where deploys are recorded. SQLite on the operator's machine by default; a shared PostgreSQL store can
/// implement the same for teams.
/// </summary>
public interface IDeployHistory
{
    /// <summary>Inserts or replaces the record with this id, steps included.</summary>
    Task SaveAsync(DeployRecord record, CancellationToken cancellationToken);

    /// <summary>Newest first; all environments when <paramref name="environment"/> is null.</summary>
    Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of <see cref="ListAsync(string?, int, CancellationToken)"/>: at most <paramref name="limit"/> records after
    /// the newest <paramref name="skip"/>. The stores skip in their query; this default reads the skipped records too,
    /// which is fine for histories kept in memory.
    /// </summary>
    async Task<IReadOnlyList<DeployRecord>> PageAsync(string? environment, int skip, int limit, CancellationToken cancellationToken) =>
        [.. (await ListAsync(environment, skip + limit, cancellationToken)).Skip(skip)];

    /// <summary>The record with this id, steps included; null when there is none.</summary>
    Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken);
}
