using System.CommandLine;
using System.Text.Json;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Swarm;

namespace DevOpsAgent.Cli.Commands;

public static class LogsCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var service = new Argument<string?>("service") { Description = "Only this compose service.", Arity = ArgumentArity.ZeroOrOne };
        var tail = CommonOptions.InRange(new Option<int>("--tail") { Description = "Lines per service (1-100000).", DefaultValueFactory = _ => 50 }, 1, 100_000);
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C." };
        var command = new Command("logs", "The stack's logs on an environment's server (every host of a fleet, every node of a Swarm).") { environment, service, tail, follow };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            var name = parseResult.GetValue(service) is { } s ? ServiceName.Validate(s) : null;
            var lines = Math.Max(1, parseResult.GetValue(tail));
            var followed = parseResult.GetValue(follow);
            var json = parseResult.GetValue(CommonOptions.Json);
            // A Swarm's logs come from its manager (docker service logs gathers every node's tasks); a fleet's from each
            // host at once, each line prefixed with its host.
            var hosts = target.Swarm is not null || !target.IsFleet ? [target.IsFleet ? target.OnHost(target.AllHosts[0]) : target]
                : target.AllHosts.Select(target.OnHost).ToList();
            var prefix = target.Swarm is null && hosts.Count > 1;
            var gate = new Lock();
            var all = new List<(string Host, LogFinding Line)>();
            try
            {
                await Task.WhenAll(hosts.Select(async host =>
                {
                    var label = $"{host.User}@{host.Server}:{host.Port}";
                    await using var runner = await services.ConnectAsync(host, cancellationToken);
                    ShellCommand logs;
                    Func<string, string> read;
                    if (target.Swarm is not null)
                    {
                        logs = new SwarmCommands(host.Path, host.ComposeProject).StackLogs(name, lines, followed);
                        read = LogScanner.FromSwarm;
                    }
                    else
                    {
                        logs = (await ComposeDetection.ForEnvironmentAsync(runner, host, cancellationToken)).Logs(lines, name, followed);
                        read = text => text;
                    }

                    if (json && !followed)
                    {
                        var output = read((await runner.RunAsync(logs, cancellationToken)).EnsureSuccess(runner.Target).StandardOutput);
                        lock (gate)
                        {
                            all.AddRange(LogScanner.Lines(output, host.ComposeProject).Where(FromService).Select(l => (label, l)));
                        }

                        return;
                    }

                    // Followed lines are written as they come: one JSON object per line (JSON Lines) under --json.
                    void Write(string line)
                    {
                        lock (gate)
                        {
                            if (json)
                            {
                                foreach (var entry in LogScanner.Lines(read(line), host.ComposeProject).Where(FromService))
                                {
                                    console.Out.WriteLine(JsonSerializer.Serialize(Entry(prefix ? label : null, entry), JsonOutput.Compact));
                                }
                            }
                            else
                            {
                                console.Out.WriteLine(prefix ? $"{label}: {read(line)}" : read(line));
                            }
                        }
                    }

                    (await runner.RunAsync(logs, cancellationToken, Write)).EnsureSuccess(runner.Target);
                }));
            }
            catch (OperationCanceledException) when (followed)
            {
                return 0;
            }

            if (json && !followed)
            {
                JsonOutput.Write(console, all.Select(l => Entry(prefix ? l.Host : null, l.Line)));
            }

            return 0;
        });
        return command;
    }

    private static object Entry(string? host, LogFinding line) => host is null ? new { line.Service, line.At, line.Line } : new { Host = host, line.Service, line.At, line.Line };

    /// <summary>Lines a service wrote, not compose's own ("Attaching to …").</summary>
    private static bool FromService(LogFinding line) => line.Service.Length > 0;
}
