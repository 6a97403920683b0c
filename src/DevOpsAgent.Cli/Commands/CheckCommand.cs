using System.CommandLine;
using DevOpsAgent.Infrastructure.Projects;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>check</c>: the pre-deployment quality gate; exits <c>CheckFailed</c> on errors.</summary>
public static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var directory = new Option<string>("--dir", "-C") { Description = "The project directory.", DefaultValueFactory = _ => "." };
        var schemaPath = new Option<string?>("--compose-schema")
        {
            Description = "The compose-spec JSON schema to validate against (default: ../shared/conformance/compose-spec.json when present).",
        };
        var command = new Command("check", "Run the pre-deployment checklist: .env.example, compose patterns, secrets, migrations, rollback.");
        command.Options.Add(directory);
        command.Options.Add(schemaPath);
        command.SetAction((parse, cancellationToken) => FindingsOutput.JsonErrorsAsync(console, parse.GetValue(CommonOptions.Json), async () =>
        {
            var findings = await ProjectGate.CheckAsync(parse.GetValue(directory)!, parse.GetValue(schemaPath), cancellationToken);
            return await FindingsOutput.WriteAsync(console, findings, parse.GetValue(CommonOptions.Json), "check passed: no findings");
        }));
        return command;
    }
}
