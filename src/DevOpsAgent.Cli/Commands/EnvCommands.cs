using System.CommandLine;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;
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

    private static readonly Option<string?> ExampleFile = new("--example")
    {
        Description = "The template, relative to the project directory (default: the one paired with the .env file: .env.example, .env.sample, .env.dev.example…).",
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
        command.SetAction((parse, cancellationToken) => FindingsOutput.JsonErrorsAsync(console, parse.GetValue(Json), async () =>
        {
            var root = ProjectLoader.ResolveRoot(parse.GetValue(Directory)!);
            var examplePath = ExamplePath(root, parse);
            var example = await DotenvFiles.LoadAsync(root, examplePath, cancellationToken)
                ?? throw new InvalidInputException($"{examplePath} not found in {root}");
            var dotenv = await DotenvFiles.LoadAsync(root, parse.GetValue(EnvFile)!, cancellationToken);
            await using var runner = new LocalCommandRunner();
            var git = await ProjectLoader.GitFactsAsync(root, runner, cancellationToken);
            var findings = EnvCheck.Run(dotenv, example, git);
            return await FindingsOutput.WriteAsync(console, findings, parse.GetValue(Json), $"{dotenv?.Path ?? ".env"} matches {example.Path}: no findings");
        }));
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
            var root = ProjectLoader.ResolveRoot(parse.GetValue(Directory)!);
            var examplePath = ExamplePath(root, parse);
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

    /// <summary>--example, else the template paired with --env-file in its folder, else .env.example.</summary>
    private static string ExamplePath(string root, ParseResult parse)
    {
        if (parse.GetValue(ExampleFile) is { } given)
        {
            return given;
        }

        var envFile = parse.GetValue(EnvFile)!.Replace('\\', '/');
        var folder = Path.GetDirectoryName(Path.Combine(root, envFile))!;
        var paired = System.IO.Directory.Exists(folder)
            ? System.IO.Directory.EnumerateFiles(folder).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Where(ExampleFiles.IsExample).Order(StringComparer.Ordinal).ToList()
            : [];
        return paired.FirstOrDefault(p => ExampleFiles.EnvPathFor(p) == envFile) ?? paired.FirstOrDefault() ?? ".env.example";
    }
}
