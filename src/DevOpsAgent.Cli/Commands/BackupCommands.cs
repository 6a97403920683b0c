using System.CommandLine;
using System.Globalization;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Operations;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>backups &lt;env&gt;</c> lists the database dumps on the server; <c>restore &lt;env&gt; &lt;file&gt; --yes</c> restores one.</summary>
public static class BackupCommands
{
    private static readonly Option<string?> Service = new("--service")
    {
        Description = "The database's compose service (default: the environment's health.database, else db).",
    };

    public static Command List(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var command = new Command("backups", "The database backups on an environment's server, newest first.") { environment };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var backups = await BackupWorker.ListAsync(runner, target.Path, cancellationToken);
            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, backups);
                return ExitCodes.Success;
            }

            console.Out.WriteLine(backups.Count == 0
                ? $"No backups in {BackupFile.FolderOf(target.Path)} on {runner.Target}."
                : $"{backups.Count} backup(s) in {BackupFile.FolderOf(target.Path)} on {runner.Target}, newest first:");
            foreach (var backup in backups)
            {
                console.Out.WriteLine($"  {backup.Name,-60} {Size(backup.Size),10}  "
                    + $"{backup.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Restore(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var file = new Argument<string>("backup-file") { Description = "A file name listed by `devops-agent backups <env>`." };
        var yes = new Option<bool>("--yes") { Description = "Confirm: the database's objects are replaced by the backup's." };
        var command = new Command("restore", "Restore a database backup of the server's backups folder (needs --yes).") { environment, file, yes, Service };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            var name = BackupFile.ValidateName(parseResult.GetValue(file)!);
            var db = ServiceName.Validate(DatabaseService(parseResult, target));
            var plan = $"restore {BackupFile.FolderOf(target.Path)}/{name} into the database of service {db} on {target.Name} ({target.User}@{target.Server}:{target.Port}): "
                + "every table, sequence and other object in the backup is dropped and recreated from it (pg_restore --clean --if-exists, in one "
                + "transaction); rows written since the backup are lost";
            if (!parseResult.GetValue(yes))
            {
                throw new DevOpsAgentException($"This would {plan}. Nothing was done; re-run with --yes to confirm.", ExitCodes.ConfirmationRequired);
            }

            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var observer = new ConsoleDeployObserver(console, parseResult.GetValue(CliApp.Verbose), silent: parseResult.GetValue(CommonOptions.Json));
            // One transaction: a restore that fails or is cut off leaves the database as it was, so nothing is half-way.
            var result = await new OperationEnvelope(runner, services.OperationHistory(), observer, TimeProvider.System).RunAsync(
                target, "restore", name, AgentServices.Actor(), null, async (steps, _, ct) =>
                {
                    var compose = await steps.RunAsync("detect compose", () => ComposeDetection.ForEnvironmentAsync(runner, target, ct), ct);
                    await steps.RunAsync("restore", async () => { await BackupWorker.RestoreAsync(runner, compose, db, target.Path, name, ct); return name; }, ct);
                    return null;
                }, cancellationToken, onInterrupted: true);
            if (result.Error is { } error)
            {
                throw error;
            }

            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new { Environment = target.Name, Restored = name, Service = db });
            }
            else
            {
                console.Out.WriteLine($"Restored {name} into the database of {db} on {target.Name}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string DatabaseService(ParseResult parseResult, EnvironmentConfig target) =>
        parseResult.GetValue(Service) ?? target.Health.DatabaseService ?? "db";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / 1024.0 / 1024.0:0.0} MiB",
    };
}
