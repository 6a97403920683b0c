using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Infrastructure.History;

namespace DevOpsAgent.Cli.Commands;

public static class DeployCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var gitRef = new Option<string?>("--ref") { Description = "Branch, tag or commit to deploy (default: the environment's branch or tag)." };
        var task = new Option<string?>("--task") { Description = "The Orchestrator's task id (e.g. TASK-045), recorded in history." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the exact commands the deploy would run, without connecting." };
        var command = new Command("deploy", "Deploy the stack to an environment: fetch, build, up, verify health, record.")
        {
            environment, gitRef, task, dryRun,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var config = services.Config;
            var target = config.Environment(parseResult.GetValue(environment)!);
            var request = new DeployRequest(target, parseResult.GetValue(gitRef) is { } r ? GitRef.Parse(r) : target.DefaultRef, AgentServices.Actor())
            {
                TaskId = parseResult.GetValue(task),
                DryRun = parseResult.GetValue(dryRun),
            };
            var json = parseResult.GetValue(CommonOptions.Json);
            var observer = new ConsoleDeployObserver(console, parseResult.GetValue(CliApp.Verbose), silent: json || request.DryRun);

            if (request.DryRun)
            {
                var recorder = new RecordingCommandRunner($"{target.User}@{target.Server}:{target.Port} (dry run)").Answer("docker compose version", standardOutput: "v2\n");
                var plan = await new DeployWorker(config, recorder, NoHistory.Instance, observer, TimeProvider.System).DeployAsync(request, cancellationToken);
                WritePlan(console, json, recorder);
                return plan.ExitCode;
            }

            var history = services.History();
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var result = await new DeployWorker(config, runner, history, observer, TimeProvider.System).DeployAsync(request, cancellationToken);
            WriteResult(console, json, result, target.Name);
            return result.ExitCode;
        });
        return command;
    }

    private static void WriteResult(CliConsole console, bool json, DeployResult result, string environment)
    {
        var record = result.Record;
        if (json)
        {
            JsonOutput.Write(console, record);
            return;
        }

        var took = record.Duration is { } d ? ConsoleDeployObserver.Seconds(d) : "";
        if (record.Outcome == DeployOutcome.Succeeded)
        {
            console.Out.WriteLine($"Deployed {record.Version} ({DeployWorker.ShortCommit(record.Commit ?? "")}) to {environment} in {took}: all healthy.");
            return;
        }

        console.Error.WriteLine($"error: deploy of {record.Ref} to {environment} FAILED after {took}: {record.Error}");
        if (result.Health is not null && record.Commit is not null)
        {
            console.Error.WriteLine($"The server now runs {record.Version} and it is not healthy; the previous release was "
                + $"{(record.PreviousCommit is { } previous ? DeployWorker.ShortCommit(previous) : "none (first deploy)")}. "
                + $"See `devops-agent logs {environment}` and `devops-agent status {environment}`.");
        }
    }

    private static void WritePlan(CliConsole console, bool json, RecordingCommandRunner recorder)
    {
        if (json)
        {
            JsonOutput.Write(console, new { target = recorder.Target, commands = recorder.Commands.Select(c => c.Text) });
            return;
        }

        console.Out.WriteLine($"Plan for {recorder.Target} (nothing was run):");
        foreach (var command in recorder.Commands)
        {
            console.Out.WriteLine($"  $ {command.Text}");
        }
    }

    /// <summary>A dry run leaves no trace in history.</summary>
    private sealed class NoHistory : IDeployHistory
    {
        public static readonly NoHistory Instance = new();

        public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeployRecord>>([]);
    }
}
