using System.CommandLine;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Cli.Commands;

/// <summary>
/// <c>env push &lt;env&gt;</c>: uploads the local .env to the environment's app folder, atomically, mode 0600,
/// keeping the server's previous file as .env.previous. Prints key names only.
/// </summary>
public static class EnvPushCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show which keys would be added, changed or removed; upload nothing." };
        var command = new Command("push", "Upload .env to the environment's app folder (SFTP, atomic, mode 0600; the previous file kept as .env.previous).")
        {
            environment, EnvCommands.EnvFile, dryRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var services = new AgentServices(parse);
            var target = services.Config.Environment(parse.GetValue(environment)!);
            var (local, content) = await LocalDotenv.ReadAsync(parse, cancellationToken);
            await using var store = await services.OpenSecretFilesAsync(target, cancellationToken);
            var sync = new EnvSync(store, target.Path);
            EnvPushResult? pushed = null;
            if (parse.GetValue(dryRun))
            {
                pushed = await sync.PushAsync(local, content, dryRun: true, cancellationToken);
            }
            else
            {
                // The upload is one atomic rename, but it must not land in the middle of a deploy that reads .env.
                await using var runner = await services.ConnectAsync(target, cancellationToken);
                var observer = new ConsoleDeployObserver(console, parse.GetValue(CliApp.Verbose), silent: true);
                var operation = await new OperationEnvelope(runner, services.OperationHistory(), observer, TimeProvider.System).RunAsync(
                    target, "env push", ".env", AgentServices.Actor(), null, async (steps, _, ct) =>
                    {
                        pushed = await steps.RunAsync("upload", async () => await sync.PushAsync(local, content, dryRun: false, ct), ct);
                        return null;
                    }, cancellationToken);
                if (operation.Error is { } error)
                {
                    throw error;
                }
            }

            var result = pushed!;

            if (parse.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new
                {
                    environment = target.Name, target = store.Target, path = result.RemotePath, dryRun = parse.GetValue(dryRun),
                    result.Uploaded, result.UpToDate, previous = result.PreviousPath, remoteProblem = result.RemoteProblem,
                    result.Diff.Added, result.Diff.Changed, result.Diff.Removed,
                });
                return ExitCodes.Success;
            }

            var @out = console.Out;
            await @out.WriteLineAsync($"{local.Path} → {sync.RemoteName}");
            if (result.RemoteProblem is not null)
            {
                await @out.WriteLineAsync($"  the server's file is malformed ({result.RemoteProblem}); it is replaced as a whole");
            }

            foreach (var line in result.Diff.Lines())
            {
                await @out.WriteLineAsync($"  {line}");
            }

            await @out.WriteLineAsync(result switch
            {
                { UpToDate: true } => "already up to date: nothing uploaded",
                _ when parse.GetValue(dryRun) => $"dry run: nothing uploaded ({Summary(result)})",
                { PreviousPath: { } previous } => $"uploaded (mode 0600; {Summary(result)}); the previous file is kept as {previous}",
                _ => $"uploaded (mode 0600; {Summary(result)}); there was no .env on the server",
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Summary(EnvPushResult result) =>
        result.Diff.IsEmpty && result.RemoteExisted ? "same keys and values, other bytes (comments, formatting)" : result.Diff.ToString();
}

/// <summary>
/// The local .env of <c>env push</c> and <c>env diff</c>: read and validated (<see cref="DotenvStrict"/>) before
/// anything connects. It must be a regular file inside the project directory, so <c>--env-file /etc/shadow</c>,
/// <c>../..</c> or a symbolic link out of the project can never be sent to a server.
/// </summary>
internal static class LocalDotenv
{
    public static async Task<(DotenvFile File, byte[] Content)> ReadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var root = parse.GetValue(EnvCommands.Directory)!;
        var name = parse.GetValue(EnvCommands.EnvFile)!;
        if (!System.IO.Directory.Exists(root))
        {
            throw new InvalidInputException($"the project directory '{InputText.Quote(root)}' does not exist");
        }

        var project = LocalFiles.RealPath(root);
        var path = Path.GetFullPath(name, project);
        if (!Inside(LocalFiles.RealPath(path), project))
        {
            throw new InvalidInputException($"--env-file '{InputText.Quote(name)}' is outside the project directory {InputText.Quote(project)} (symbolic links resolved)");
        }

        if (System.IO.Directory.Exists(path))
        {
            throw new InvalidInputException($"--env-file '{InputText.Quote(name)}' is a folder, not a file");
        }

        if (!File.Exists(path))
        {
            throw new InvalidInputException($"{InputText.Quote(name)} not found in {InputText.Quote(root)} (create it with `devops-agent env init`)");
        }

        var content = await LocalFiles.ReadBoundedAsync(path, DotenvStrict.MaxBytes, cancellationToken)
            ?? throw new InvalidInputException($"{InputText.Quote(name)}: larger than {DotenvStrict.MaxBytes / 1024} KiB; a .env holds a few variables");
        return (DotenvStrict.Parse(content, name), content);
    }

    private static bool Inside(string path, string directory) =>
        path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}
