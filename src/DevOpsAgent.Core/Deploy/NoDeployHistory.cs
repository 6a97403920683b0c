namespace DevOpsAgent.Core.Deploy;

/// <summary>A history that keeps nothing: a dry run or a plan leaves no trace.</summary>
public sealed class NoDeployHistory : IDeployHistory
{
    public static readonly NoDeployHistory Instance = new();

    private NoDeployHistory()
    {
    }

    public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeployRecord>>([]);

    public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<DeployRecord?>(null);
}
