using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Fleet;

namespace DevOpsAgent.Cli.Commands;

/// <summary>`deploy` on an environment with several hosts: one SSH runner per host, progress prefixed with the host.</summary>
internal static class FleetDeployOutput
{
    public static async Task<int> DeployAsync(
        CliConsole console, AgentServices services, AgentConfig config, DeployRequest request, IDeployObserver observer, bool json, CancellationToken cancellationToken)
    {
        var target = request.Environment;
        if (request.DryRun)
        {
            var recorders = target.AllHosts.ToDictionary(h => h.Name, h => new RecordingCommandRunner($"{h.Name} (dry run)")
                .Answer("docker compose version", standardOutput: "v2\n")
                .Answer("alembic heads", standardOutput: "<head>\n")
                .Answer("if mkdir", standardOutput: "acquired\n"));
            var plan = await new FleetDeployWorker(config, (h, _) => Task.FromResult<ICommandRunner>(recorders[h.Name]), NoDeployHistory.Instance, observer, TimeProvider.System)
                .DeployAsync(request, cancellationToken);
            WritePlans(console, json, [.. recorders.Values]);
            return plan.ExitCode;
        }

        var result = await new EnvironmentOperations(config, services.ConnectAsync, services.OperationHistory(), observer, TimeProvider.System)
            .DeployAsync(request, cancellationToken);
        DeployCommand.WriteResult(console, json, result, target.Name);
        return result.ExitCode;
    }

    private static void WritePlans(CliConsole console, bool json, IReadOnlyList<RecordingCommandRunner> recorders)
    {
        if (json)
        {
            JsonOutput.Write(console, recorders.Select(r => new { target = r.Target, commands = r.Commands.Select(c => c.Text) }));
            return;
        }

        foreach (var recorder in recorders)
        {
            console.Out.WriteLine($"Plan for {recorder.Target} (nothing was run):");
            foreach (var command in recorder.Commands)
            {
                console.Out.WriteLine($"  $ {command.Text}");
            }
        }
    }
}
