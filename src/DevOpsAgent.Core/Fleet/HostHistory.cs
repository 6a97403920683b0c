using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Core.Fleet;

/// <summary>
/// What a host's own deploy or rollback sees of history: it reads the real one (production's pre-flight asks it
/// about staging) and saves nothing, because the fleet keeps one record for the whole operation.
/// </summary>
internal sealed class HostHistory(IDeployHistory inner) : IDeployHistory
{
    public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(environment, limit, cancellationToken);

    public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);
}
