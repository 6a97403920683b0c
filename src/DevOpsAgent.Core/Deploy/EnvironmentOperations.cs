using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Fleet;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Swarm;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// A deploy or a rollback of an environment, by the engine its configuration names: one server
/// (<see cref="DeployWorker"/>, <see cref="RollbackOperation"/>), several hosts (<see cref="FleetDeployWorker"/>,
/// <see cref="FleetRollbackWorker"/>) or a Swarm (<see cref="SwarmDeployWorker"/> on the manager, which also rolls back:
/// <see cref="DeployRequest.RollbackTo"/>). The CLI, the
/// Orchestrator's messages, the MCP server and the dashboard all come through here, so none of them deploys a fleet
/// to its first host only.
/// </summary>
public sealed class EnvironmentOperations(
    AgentConfig config, Func<EnvironmentConfig, CancellationToken, Task<ICommandRunner>> connect, IDeployHistory history, IDeployObserver observer, TimeProvider time)
{
    public async Task<DeployResult> DeployAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var environment = request.Environment;
        if (environment.Swarm is not null)
        {
            // The stack is deployed from the manager, the first host.
            var manager = environment.IsFleet ? environment.OnHost(environment.AllHosts[0]) : environment;
            await using var runner = await connect(manager, cancellationToken);
            return await new SwarmDeployWorker(config, runner, history, observer, time).DeployAsync(request with { Environment = manager }, cancellationToken);
        }

        if (environment.IsFleet)
        {
            var fleet = await new FleetDeployWorker(config, (host, ct) => connect(environment.OnHost(host), ct), history, observer, time).DeployAsync(request, cancellationToken);
            return new DeployResult(fleet.Record, null, fleet.ExitCode) { Hosts = fleet.Hosts };
        }

        await using var server = await connect(environment, cancellationToken);
        return await new DeployWorker(config, server, history, observer, time).DeployAsync(request, cancellationToken);
    }

    /// <param name="to">The release to go back to (version, tag or commit prefix); null: the previous one.</param>
    public async Task<DeployResult> RollbackAsync(
        EnvironmentConfig environment, string? to, string startedBy, string? taskId, TimeSpan lockStaleAfter, CancellationToken cancellationToken)
    {
        if (environment.Swarm is not null)
        {
            // A Swarm goes back by deploying the release the manager recorded (its code, its images in the registry), then
            // downgrading the database with the newer release's migrations.
            var manager = environment.IsFleet ? environment.OnHost(environment.AllHosts[0]) : environment;
            await using var runner = await connect(manager, cancellationToken);
            var (current, candidates) = await RollbackOperation.CandidatesAsync(runner, manager, cancellationToken);
            // After an interrupted operation the release to return to, unless one is named, is the one the manager last
            // recorded (as for compose): the deploy that was cut off never recorded its own.
            var interrupted = OperationJournal.Parse((await runner.RunAsync(OperationJournal.Read(manager.Path), cancellationToken)).StandardOutput) is not null;
            var target = current is not null && (to is null ? interrupted : RollbackOperation.Matches(current, to))
                ? current
                : RollbackOperation.Choose(candidates, to, environment.Name);
            return await new SwarmDeployWorker(config, runner, history, observer, time).DeployAsync(
                new DeployRequest(manager, GitRef.Parse(target.Commit), startedBy) { TaskId = taskId, LockStaleAfter = lockStaleAfter, RollbackTo = target },
                cancellationToken);
        }

        if (environment.IsFleet)
        {
            var fleet = await new FleetRollbackWorker(config, (host, ct) => connect(environment.OnHost(host), ct), history, observer, time)
                .RollbackAsync(environment, to, startedBy, taskId, lockStaleAfter, cancellationToken);
            return new DeployResult(fleet.Record, null, fleet.ExitCode) { Hosts = fleet.Hosts };
        }

        await using var server = await connect(environment, cancellationToken);
        return await new RollbackOperation(config, server, history, observer, time).RollbackAsync(environment, to, startedBy, taskId, lockStaleAfter, cancellationToken);
    }
}
