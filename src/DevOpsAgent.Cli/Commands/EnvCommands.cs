using System.CommandLine;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>env check</c>, <c>env init</c>, <c>env required</c>, <c>env push</c>, <c>env diff</c>: the project's .env files. Values are never printed.</summary>
public static class EnvCommands
{
    public static readonly Option<string> Directory = new("--dir", "-C")
    {
        Description = "The project directory.",
        DefaultValueFactory = _ => ".",
        Recursive = true,
    };

    internal static readonly Option<string> EnvFile = new("--env-file")
    {
        Description = "The .env file, relative to the project directory.",
        DefaultValueFactory = _ => ".env",
    };

    private static readonly Option<string> ExampleFile = new("--example")
    {
        Description = "The template, relative to the project directory.",
        DefaultValueFactory = _ => ".env.example",
    };

    /// <summary>The CLI-wide <c>--json</c>.</summary>
    public static Option<bool> Json => CommonOptions.Json;

    public static Command Create(CliConsole console)
    {
        var env = new Command("env", "Check, create, explain, push and compare the project's .env files (values are never printed).");
        env.Options.Add(Directory);
        env.Subcommands.Add(Check(console));
        env.Subcommands.Add(Init(console));
        env.Subcommands.Add(RequiredCommand.Create(console));
        env.Subcommands.Add(EnvPushCommand.Create(console));
        env.Subcommands.Add(EnvDiffCommand.Create(console));
        return env;
    }

    private static Command Check(CliConsole console)
    {
        var command = new Command("check", "Compare .env with .env.example; check placeholders, DATABASE_URL, SECRET_KEY and that .env is gitignored.");
        command.Options.Add(EnvFile);
        command.Options.Add(ExampleFile);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(Directory)!;
            var example = await DotenvFiles.LoadAsync(root, parse.GetValue(ExampleFile)!, cancellationToken)
                ?? throw new InvalidInputException($"{parse.GetValue(ExampleFile)} not found in {root}");
            var dotenv = await DotenvFiles.LoadAsync(root, parse.GetValue(EnvFile)!, cancellationToken);
            await using var runner = new LocalCommandRunner();
            var git = await ProjectLoader.GitFactsAsync(root, runner, cancellationToken);
            var findings = EnvCheck.Run(dotenv, example, git);
            return await FindingsOutput.WriteAsync(console, findings, parse.GetValue(Json), $"{dotenv?.Path ?? ".env"} matches {example.Path}: no findings");
        });
        return command;
    }

    private static Command Init(CliConsole console)
    {
        var force = new Option<bool>("--force") { Description = "Replace an existing .env." };
        var command = new Command("init", "Create .env from .env.example, generating random secrets for secret-looking keys (mode 0600).");
        command.Options.Add(EnvFile);
        command.Options.Add(ExampleFile);
        command.Options.Add(force);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(Directory)!;
            var examplePath = parse.GetValue(ExampleFile)!;
            var full = Path.Combine(root, examplePath);
            if (!File.Exists(full))
            {
                throw new InvalidInputException($"{examplePath} not found in {root}");
            }

            var result = EnvInit.FromExample(await File.ReadAllTextAsync(full, cancellationToken), examplePath);
            var target = parse.GetValue(EnvFile)!;
            await SecretFileWriter.WriteAsync(Path.Combine(root, target), result.Content, parse.GetValue(force), cancellationToken);
            await console.Out.WriteLineAsync($"created {target} from {examplePath} (mode 0600)");
            foreach (var key in result.GeneratedKeys)
            {
                await console.Out.WriteLineAsync($"  generated {key}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
