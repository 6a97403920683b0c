using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Cli.Commands;

public static class RollbackCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var to = new Option<string?>("--to") { Description = "The release to go back to (version, tag or commit prefix); default: the previous one." };
        var task = new Option<string?>("--task") { Description = "The Orchestrator's task id, recorded in history." };
        var list = new Option<bool>("--list") { Description = "List the releases the server can go back to, and do nothing." };
        var command = new Command("rollback", "Go back to an earlier release: database downgraded to its revision, its kept images, health verified; every host of a fleet.")
        {
            environment, to, task, list, LockCommand.StaleAfter,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // Everything the user typed is validated before the config's server is connected to or locked.
            var releaseName = parseResult.GetValue(to) is { } named ? GitRef.ParseRelease(named).Name : null;
            var taskId = parseResult.GetValue(task) is { } id ? TaskId.Parse(id) : null;
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            var json = parseResult.GetValue(CommonOptions.Json);
            if (parseResult.GetValue(list))
            {
                // A fleet's releases are its first host's: a fleet rollback goes back to the release that host names.
                var listed = target.IsFleet ? target.OnHost(target.AllHosts[0]) : target;
                await using var runner = await services.ConnectAsync(listed, cancellationToken);
                var (current, candidates) = await RollbackOperation.CandidatesAsync(runner, listed, cancellationToken);
                if (json)
                {
                    JsonOutput.Write(console, new { current, candidates });
                }
                else
                {
                    console.Out.WriteLine($"{target.Name} serves {current?.Version ?? "no recorded release"}; it can go back to:");
                    foreach (var release in candidates)
                    {
                        console.Out.WriteLine($"  {release.Version,-24} {DeployWorker.ShortCommit(release.Commit)}  deployed {release.DeployedAt:yyyy-MM-dd HH:mm} UTC, database at {release.Revision ?? "-"}");
                    }
                }

                return 0;
            }

            var observer = new ConsoleDeployObserver(console, parseResult.GetValue(CliApp.Verbose), json);
            var result = await new EnvironmentOperations(services.Config, services.ConnectAsync, services.OperationHistory(), observer, TimeProvider.System)
                .RollbackAsync(target, releaseName, AgentServices.Actor(), taskId, parseResult.GetValue(LockCommand.StaleAfter), cancellationToken);
            DeployCommand.WriteResult(console, json, result, target.Name);
            return result.ExitCode;
        });
        return command;
    }
}
