using System.CommandLine;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Cli.Commands;

/// <summary>
/// <c>env push &lt;env&gt;</c>: uploads the local .env to the environment's app folder (every host's, for a fleet),
/// atomically, mode 0600, keeping the server's previous file as .env.previous. Prints key names only.
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
            var environmentConfig = services.Config.Environment(parse.GetValue(environment)!);
            var (local, content) = await LocalDotenv.ReadAsync(parse, cancellationToken);
            var isDryRun = parse.GetValue(dryRun);
            // A fleet's every host gets the file. Each host is compared first (a dry run of its own), so a host that
            // cannot be reached stops the push before any host's file changes.
            var targets = environmentConfig.AllHosts.Select(environmentConfig.OnHost).ToList();
            var pushes = new List<(EnvironmentConfig Target, string Store, EnvSync Sync, EnvPushResult Result)>();
            foreach (var target in targets)
            {
                await using var store = await services.OpenSecretFilesAsync(target, cancellationToken);
                var sync = new EnvSync(store, target.Path);
                pushes.Add((target, store.Target, sync, await sync.PushAsync(local, content, dryRun: true, cancellationToken)));
            }

            if (!isDryRun)
            {
                for (var i = 0; i < pushes.Count; i++)
                {
                    try
                    {
                        pushes[i] = pushes[i] with { Result = await UploadAsync(console, parse, services, pushes[i].Target, local, content, cancellationToken) };
                    }
                    catch (DevOpsAgentException error) when (pushes.Count > 1)
                    {
                        var done = pushes.Take(i).Select(p => p.Store).ToList();
                        throw new DevOpsAgentException(
                            $"{pushes[i].Store}: {error.Message}; " + (done.Count == 0 ? "no host's .env changed" : $"already uploaded to {string.Join(", ", done)} (a push again brings the others)"),
                            error.ExitCode, error);
                    }
                }
            }

            if (parse.GetValue(CommonOptions.Json))
            {
                object Json((EnvironmentConfig Target, string Store, EnvSync Sync, EnvPushResult Result) push) => new
                {
                    environment = environmentConfig.Name, target = push.Store, path = push.Result.RemotePath, dryRun = isDryRun,
                    push.Result.Uploaded, push.Result.UpToDate, previous = push.Result.PreviousPath, remoteProblem = push.Result.RemoteProblem,
                    push.Result.Diff.Added, push.Result.Diff.Changed, push.Result.Diff.Removed,
                };
                JsonOutput.Write(console, pushes.Count == 1 ? Json(pushes[0]) : new { environment = environmentConfig.Name, hosts = pushes.Select(Json).ToList() });
                return ExitCodes.Success;
            }

            var @out = console.Out;
            foreach (var (_, _, sync, result) in pushes)
            {
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
                    _ when isDryRun => $"dry run: nothing uploaded ({Summary(result)})",
                    { PreviousPath: { } previous } => $"uploaded (mode 0600; {Summary(result)}); the previous file is kept as {previous}",
                    _ => $"uploaded (mode 0600; {Summary(result)}); there was no .env on the server",
                });
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One host's upload, in the operation envelope: one atomic rename that never lands in the middle of a deploy reading .env.</summary>
    private static async Task<EnvPushResult> UploadAsync(
        CliConsole console, ParseResult parse, AgentServices services, EnvironmentConfig target, DotenvFile local, byte[] content, CancellationToken cancellationToken)
    {
        await using var store = await services.OpenSecretFilesAsync(target, cancellationToken);
        var sync = new EnvSync(store, target.Path);
        await using var runner = await services.ConnectAsync(target, cancellationToken);
        var observer = new ConsoleDeployObserver(console, parse.GetValue(CliApp.Verbose), silent: true);
        EnvPushResult? pushed = null;
        var operation = await new OperationEnvelope(runner, services.OperationHistory(), observer, TimeProvider.System).RunAsync(
            target, "env push", ".env", AgentServices.Actor(), null, async (steps, _, ct) =>
            {
                pushed = await steps.RunAsync("upload", async () => await sync.PushAsync(local, content, dryRun: false, ct), ct);
                return null;
            }, cancellationToken);
        return operation.Error is { } error ? throw error : pushed!;
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
