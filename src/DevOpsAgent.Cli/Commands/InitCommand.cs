using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Scaffold;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>init</c>: scaffolds the standard structure into a project; never overwrites without <c>--force</c>.</summary>
public static class InitCommand
{
    public static Command Create(CliConsole console)
    {
        var directory = new Option<string>("--dir", "-C") { Description = "The project directory.", DefaultValueFactory = _ => "." };
        var name = new Option<string?>("--name") { Description = "The project name (default: the directory's name, lowercased)." };
        var force = new Option<bool>("--force") { Description = "Overwrite files that already exist." };
        var command = new Command("init", "Scaffold compose (dev and prod), .env.example, Dockerfiles, nginx config, devops-agent.yml and .gitignore entries.")
        {
            directory, name, force,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = Path.GetFullPath(parse.GetValue(directory)!);
            var project = parse.GetValue(name) ?? ProjectScaffold.ProjectNameFrom(Path.GetFileName(root.TrimEnd('/')));
            IReadOnlyList<ScaffoldFile> files;
            try
            {
                files = ProjectScaffold.Files(project);
            }
            catch (ArgumentException error)
            {
                throw new InvalidInputException(error.Message);
            }

            Directory.CreateDirectory(root);
            var report = await ScaffoldWriter.WriteAsync(root, files, parse.GetValue(force), cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new { project, report.Created, report.Overwritten, report.Skipped, gitignore_added = report.GitignoreAdded });
                return ExitCodes.Success;
            }

            var @out = console.Out;
            foreach (var path in report.Created)
            {
                await @out.WriteLineAsync($"created     {path}");
            }

            foreach (var path in report.Overwritten)
            {
                await @out.WriteLineAsync($"overwrote   {path}");
            }

            foreach (var path in report.Skipped)
            {
                await @out.WriteLineAsync($"skipped     {path} (exists; --force to overwrite)");
            }

            if (report.GitignoreAdded.Count > 0)
            {
                await @out.WriteLineAsync($"updated     .gitignore (+ {string.Join(", ", report.GitignoreAdded)})");
            }

            await @out.WriteLineAsync($"project {project}: next, `devops-agent env init` (a .env with generated secrets), then `devops-agent check`");
            return ExitCodes.Success;
        });
        return command;
    }
}
