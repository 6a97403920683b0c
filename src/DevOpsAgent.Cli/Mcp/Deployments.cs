using System.Collections.Concurrent;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// The operations this server process started, by deployment_id, kept in memory for deployment_status (finished
/// ones too, the last <see cref="Kept"/>). On shutdown, running ones are cancelled and awaited, so each ends at a
/// known release (the deploy's own rollback within its grace) rather than being killed half-way.
/// </summary>
public sealed class Deployments
{
    public const int Kept = 100;

    private readonly ConcurrentDictionary<string, Deployment> _all = new(StringComparer.Ordinal);

    public Deployment Start(string tool, Instruction instruction, string task, Func<IDeployObserver, CancellationToken, Task<ExecutionReport>> operation,
        string? historyPath, CancellationToken linkedTo = default, IProgress<ModelContextProtocol.ProgressNotificationValue>? progress = null)
    {
        var id = OperationId.New(DateTimeOffset.UtcNow, instruction.Environment, instruction.Action);
        var deployment = new Deployment(id, tool, instruction, task, CancellationTokenSource.CreateLinkedTokenSource(linkedTo));
        deployment.Run(operation, historyPath, progress);
        _all[id] = deployment;
        Forget();
        return deployment;
    }

    public Deployment? Find(string id) => _all.GetValueOrDefault(id);

    public IReadOnlyList<string> Ids => [.. _all.Values.OrderByDescending(d => d.StartedAt).Select(d => d.Id)];

    public async Task StopAsync()
    {
        var running = _all.Values.Where(d => !d.Finished).ToList();
        foreach (var deployment in running)
        {
            deployment.Cancel();
        }

        await Task.WhenAll(running.Select(d => d.Completion));
    }

    private void Forget()
    {
        foreach (var old in _all.Values.Where(d => d.Finished).OrderByDescending(d => d.StartedAt).Skip(Kept))
        {
            _all.TryRemove(old.Id, out _);
        }
    }
}
