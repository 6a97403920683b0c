using System.CommandLine;
using System.Globalization;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.History;
using DevOpsAgent.Infrastructure.History;
using Spectre.Console;

namespace DevOpsAgent.Cli.Commands;

public static class HistoryCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = new Argument<string?>("environment") { Description = "Only this environment.", Arity = ArgumentArity.ZeroOrOne };
        var limit = CommonOptions.InRange(new Option<int>("--limit", "-n") { Description = "How many deploys to show (1-10000).", DefaultValueFactory = _ => 20 }, 1, 10_000);
        var command = new Command("history", "Past deploys, newest first, from the selected history (this machine's SQLite file, or a shared PostgreSQL).") { environment, limit };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var records = await new AgentServices(parseResult).History().ListAsync(parseResult.GetValue(environment), parseResult.GetValue(limit), cancellationToken);
            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, records);
                return 0;
            }

            if (records.Count == 0)
            {
                console.Out.WriteLine("No deploys recorded yet.");
                return 0;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("started (UTC)", "env", "action", "release", "commit", "outcome", "took", "by", "task", "failed step / error");
            foreach (var record in records)
            {
                var failed = record.Steps.FirstOrDefault(s => s.Outcome == StepOutcome.Failed);
                table.AddRow(
                    Cell(record.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    Cell(record.Environment),
                    Cell(record.Action),
                    Cell(record.Version ?? record.Ref),
                    Cell(DeployWorker.ShortCommit(record.Commit ?? "")),
                    Cell(record.Outcome.ToString().ToLowerInvariant()),
                    Cell(record.Duration is { } d ? ConsoleDeployObserver.Seconds(d) : ""),
                    Cell(record.StartedBy),
                    Cell(record.TaskId ?? ""),
                    Cell(failed is null ? record.Error ?? "" : $"{failed.Name}: {record.Error}"));
            }

            console.Ansi().Write(table);
            return 0;
        });
        command.Subcommands.Add(Import(console));
        return command;
    }

    private static Command Import(CliConsole console)
    {
        var file = new Argument<string>("sqlite-file") { Description = "A SQLite history database (e.g. ~/.local/share/devops-agent/history.db)." };
        var command = new Command("import", "Copy a SQLite history into the selected history (normally a shared PostgreSQL); records already there are skipped.") { file };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new InvalidInputException($"no SQLite history file {InputText.Quote(path)}");
            }

            var services = new AgentServices(parseResult);
            var target = services.History();
            var result = await HistoryImport.RunAsync(new SqliteDeployHistory(path), target, cancellationToken);
            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, result);
                return 0;
            }

            await console.Out.WriteLineAsync(
                $"imported {result.ImportedRecords} record(s) with {result.ImportedSteps} step(s) into {services.HistoryLocation().Display}; "
                + $"skipped {result.SkippedRecords} record(s) with {result.SkippedSteps} step(s) already there");
            return 0;
        });
        return command;
    }

    private static Text Cell(string text) => new(text);
}
