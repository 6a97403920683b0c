using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Cli.Commands;

/// <summary>
/// <c>env diff &lt;env&gt;</c>: which keys differ between the local .env and the server's — added, changed,
/// removed — never the values. Exits <see cref="ExitCodes.EnvDiffers"/> when they differ.
/// </summary>
public static class EnvDiffCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var command = new Command("diff", "Show which keys differ between .env and the environment's (added, changed, removed; never values).")
        {
            environment, EnvCommands.EnvFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var services = new AgentServices(parse);
            var target = services.Config.Environment(parse.GetValue(environment)!);
            var (local, _) = await LocalDotenv.ReadAsync(parse, cancellationToken);
            await using var store = await services.OpenSecretFilesAsync(target, cancellationToken);
            var sync = new EnvSync(store, target.Path);
            var (diff, remoteExists) = await sync.DiffAsync(local, cancellationToken);
            var exitCode = diff.IsEmpty && remoteExists ? ExitCodes.Success : ExitCodes.EnvDiffers;

            if (parse.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new
                {
                    environment = target.Name, target = store.Target, path = sync.RemotePath, same = exitCode == ExitCodes.Success,
                    remoteExists, diff.Added, diff.Changed, diff.Removed,
                });
                return exitCode;
            }

            await console.Out.WriteLineAsync($"{local.Path} ↔ {sync.RemoteName}");
            if (!remoteExists)
            {
                await console.Out.WriteLineAsync("  there is no .env on the server");
            }

            foreach (var line in diff.Lines())
            {
                await console.Out.WriteLineAsync($"  {line}");
            }

            await console.Out.WriteLineAsync(exitCode == ExitCodes.Success
                ? "same keys and values"
                : $"{diff} (+ only local, ~ changed, - only on the server)");
            return exitCode;
        });
        return command;
    }
}
