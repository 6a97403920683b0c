using System.CommandLine;
using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Requirements;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>env required</c>: the seed's consultation "required environment variables", with every use.</summary>
internal static class RequiredCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("required", "List the environment variables the project reads, where, whether they are required, and whether .env.example documents them.");
        command.SetAction((parse, cancellationToken) => FindingsOutput.JsonErrorsAsync(console, parse.GetValue(EnvCommands.Json), async () =>
        {
            await using var runner = new LocalCommandRunner();
            var project = await ProjectLoader.LoadAsync(parse.GetValue(EnvCommands.Directory)!, runner, cancellationToken);
            var report = RequiredVariables.Discover(project);
            if (parse.GetValue(EnvCommands.Json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    variables = report.Variables.Select(v => new
                    {
                        v.Name,
                        v.Need,
                        v.Documented,
                        uses = v.Uses.Select(u => new { u.File, u.Line, u.Source, u.Need }),
                    }),
                    env_files = report.EnvFiles,
                }, FindingsOutput.Json));
                return ExitCodes.Success;
            }

            foreach (var variable in report.Variables)
            {
                var documented = variable.Documented ? "documented" : "NOT documented in any .env example";
                await console.Out.WriteLineAsync($"{variable.Name}  {variable.Need.ToString().ToLowerInvariant()}, {documented}");
                foreach (var use in variable.Uses)
                {
                    await console.Out.WriteLineAsync($"    {use.File}:{use.Line}  {use.Source} ({use.Need.ToString().ToLowerInvariant()})");
                }
            }

            foreach (var envFile in report.EnvFiles)
            {
                await console.Out.WriteLineAsync($"{envFile.ComposeFile}:{envFile.Line}  service {envFile.Service} reads env_file {envFile.Path}");
            }

            if (report.Variables.Count == 0)
            {
                await console.Out.WriteLineAsync("no environment variables found");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
