using System.CommandLine;
using System.Text.Json;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Cli.Commands;

public static class LogsCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var service = new Argument<string?>("service") { Description = "Only this compose service.", Arity = ArgumentArity.ZeroOrOne };
        var tail = CommonOptions.InRange(new Option<int>("--tail") { Description = "Lines per service (1-100000).", DefaultValueFactory = _ => 50 }, 1, 100_000);
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C." };
        var command = new Command("logs", "The stack's logs on an environment's server.") { environment, service, tail, follow };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            var name = parseResult.GetValue(service) is { } s ? ServiceName.Validate(s) : null;
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var compose = await ComposeDetection.ForEnvironmentAsync(runner, target, cancellationToken);
            var logs = compose.Logs(Math.Max(1, parseResult.GetValue(tail)), name, parseResult.GetValue(follow));
            var json = parseResult.GetValue(CommonOptions.Json);
            if (json && !parseResult.GetValue(follow))
            {
                var output = (await runner.RunAsync(logs, cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;
                JsonOutput.Write(console, LogScanner.Lines(output, compose.ProjectName).Where(FromService).Select(Entry));
                return 0;
            }

            // Followed lines are written as they come: one JSON object per line (JSON Lines) under --json.
            Action<string> write = json
                ? line =>
                {
                    foreach (var entry in LogScanner.Lines(line, compose.ProjectName).Where(FromService))
                    {
                        console.Out.WriteLine(JsonSerializer.Serialize(Entry(entry), JsonOutput.Compact));
                    }
                }
                : console.Out.WriteLine;
            try
            {
                var result = await runner.RunAsync(logs, cancellationToken, write);
                return result.EnsureSuccess(runner.Target).ExitCode;
            }
            catch (OperationCanceledException) when (parseResult.GetValue(follow))
            {
                return 0;
            }
        });
        return command;
    }

    private static object Entry(LogFinding line) => new { line.Service, line.At, line.Line };

    /// <summary>Lines a service wrote, not compose's own ("Attaching to …").</summary>
    private static bool FromService(LogFinding line) => line.Service.Length > 0;
}
