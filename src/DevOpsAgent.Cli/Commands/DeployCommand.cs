using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Projects;
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
        var qaApprovedBy = new Option<string?>("--qa-approved-by") { Description = "Who approved this release in QA (production pre-flight); recorded in history." };
        var overridePreflight = new Option<string?>("--override-preflight")
        {
            Description = "Deploy although pre-flight items failed; the reason is required and recorded.",
        };
        var lockWait = CommonOptions.InRange(new Option<int>("--lock-wait") { Description = "Seconds to wait for another deploy's lock on the server (default: refuse at once)." }, 0, 86_400);
        var command = new Command("deploy", "Deploy the stack to an environment: fetch, build, migrate, up, verify health, record; roll back automatically on failure.")
        {
            environment, gitRef, task, dryRun, qaApprovedBy, overridePreflight, lockWait, LockCommand.StaleAfter, ProtocolServices.ProjectDirectory,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var config = services.Config;
            var target = config.Environment(parseResult.GetValue(environment)!);
            var request = new DeployRequest(target, parseResult.GetValue(gitRef) is { } r ? GitRef.Parse(r) : target.DefaultRef, AgentServices.Actor())
            {
                TaskId = parseResult.GetValue(task) is { } id ? TaskId.Parse(id) : null,
                DryRun = parseResult.GetValue(dryRun),
                QaApprovedBy = parseResult.GetValue(qaApprovedBy),
                LockWait = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(lockWait))),
                LockStaleAfter = parseResult.GetValue(LockCommand.StaleAfter),
                QualityGate = ProjectGate.For(ProtocolServices.ProjectDirectoryOf(parseResult), config),
                OverridePreflight = parseResult.GetValue(overridePreflight) is { } reason && reason.Trim().Length == 0
                    ? throw new DevOpsAgentException("--override-preflight needs a reason", ExitCodes.Usage)
                    : parseResult.GetValue(overridePreflight),
            };
            var json = parseResult.GetValue(CommonOptions.Json);
            var observer = new ConsoleDeployObserver(console, parseResult.GetValue(CliApp.Verbose), silent: json || request.DryRun);

            if (target.Swarm is not null)
            {
                return await SwarmDeployAsync(console, services, config, request, observer, json, ProtocolServices.ProjectDirectoryOf(parseResult), cancellationToken);
            }

            if (target.IsFleet)
            {
                return await FleetDeployOutput.DeployAsync(console, services, config, request, observer, json, cancellationToken);
            }

            if (request.DryRun)
            {
                var recorder = new RecordingCommandRunner($"{target.User}@{target.Server}:{target.Port} (dry run)").Answer("docker compose version", standardOutput: "v2\n")
                    .Answer("alembic heads", standardOutput: "<head>\n")
                    .Answer("if mkdir", standardOutput: "acquired\n");
                var plan = await new DeployWorker(config, recorder, NoDeployHistory.Instance, observer, TimeProvider.System).DeployAsync(request, cancellationToken);
                WritePlan(console, json, recorder);
                return plan.ExitCode;
            }

            var result = await new EnvironmentOperations(config, services.ConnectAsync, services.OperationHistory(), observer, TimeProvider.System).DeployAsync(request, cancellationToken);
            WriteResult(console, json, result, target.Name);
            return result.ExitCode;
        });
        return command;
    }

    /// <summary><c>engine: swarm</c>: the deploy runs on the manager (the first host); <c>--dry-run</c> records its plan.</summary>
    private static async Task<int> SwarmDeployAsync(CliConsole console, AgentServices services, DevOpsAgent.Core.Configuration.AgentConfig config, DeployRequest request,
        ConsoleDeployObserver observer, bool json, string projectDir, CancellationToken cancellationToken)
    {
        var target = request.Environment.IsFleet ? request.Environment.OnHost(request.Environment.AllHosts[0]) : request.Environment;
        request = request with { Environment = target };
        if (request.DryRun)
        {
            var recorder = new RecordingCommandRunner($"{target.User}@{target.Server}:{target.Port} (dry run)").Answer("docker compose version", standardOutput: "v1\n")
                .Answer("if mkdir", standardOutput: "acquired\n");
            foreach (var file in target.ComposeFiles)
            {
                var local = Path.Combine(projectDir, file);
                if (File.Exists(local))
                {
                    recorder.Answer($"cat -- {DevOpsAgent.Core.Shell.ShellQuoting.Quote(file)}", standardOutput: File.ReadAllText(local));
                }
            }

            var plan = await new DevOpsAgent.Core.Swarm.SwarmDeployWorker(config, recorder, NoDeployHistory.Instance, observer, TimeProvider.System).DeployAsync(request, cancellationToken);
            WritePlan(console, json, recorder);
            return plan.ExitCode;
        }

        var result = await new EnvironmentOperations(config, services.ConnectAsync, services.OperationHistory(), observer, TimeProvider.System).DeployAsync(request, cancellationToken);
        WriteResult(console, json, result, target.Name);
        return result.ExitCode;
    }

    internal static void WriteResult(CliConsole console, bool json, DeployResult result, string environment)
    {
        var record = result.Record;
        if (json)
        {
            if (result.Hosts.Count > 0)
            {
                JsonOutput.Write(console, new { record, hosts = result.Hosts.Select(l => l.ToString()) });
            }
            else
            {
                JsonOutput.Write(console, record);
            }

            return;
        }

        WriteSummary(console, result, environment);
        // Several hosts: a line per host (outcome, time, the step that failed).
        var writer = record.Outcome == DeployOutcome.Succeeded ? console.Out : console.Error;
        foreach (var line in result.Hosts)
        {
            writer.WriteLine($"  {line}");
        }
    }

    private static void WriteSummary(CliConsole console, DeployResult result, string environment)
    {
        var record = result.Record;

        var took = record.Duration is { } d ? ConsoleDeployObserver.Seconds(d) : "";
        if (record.Outcome == DeployOutcome.Succeeded)
        {
            var warnings = result.Health?.Warnings.Select(w => w.Name).ToList() ?? [];
            var verdict = warnings.Count == 0 ? "all healthy" : $"healthy, with warnings ({string.Join(", ", warnings)})";
            var done = record.Action == "rollback" ? "Rolled back" : "Deployed";
            console.Out.WriteLine($"{done} {record.Version} ({DeployWorker.ShortCommit(record.Commit ?? "")}) to {environment} in {took}: {verdict}.");
            return;
        }

        var what = record.Outcome switch
        {
            DeployOutcome.RolledBack => "FAILED and was ROLLED BACK",
            DeployOutcome.Refused => "was REFUSED",
            _ => "FAILED",
        };
        console.Error.WriteLine($"error: {record.Action} of {record.Ref} to {environment} {what} after {took}: {record.Error}");
        if (record.Outcome == DeployOutcome.Failed && result.ExitCode != ExitCodes.RollbackFailed && result.Health is not null && record.PreviousCommit is null)
        {
            console.Error.WriteLine($"The server now runs {record.Version} and it is not healthy (first deploy: nothing to roll back to). "
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
}
