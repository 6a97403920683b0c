using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Protocol;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Cli.Commands;

/// <summary>
/// <c>execute</c>, <c>consult</c> and the bare <c>devops-agent "&lt;message&gt;"</c>: the Orchestrator's
/// messages, read from the argument, stdin or a file, carried out or answered through the protocol services.
/// </summary>
public static class MessageCommands
{
    public static Command Execute(CliConsole console) => Create(console, "execute", MessageMode.Execute,
        "Carry out an EXECUTE message for an assigned task and report: \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging\".");

    public static Command Consult(CliConsole console) => Create(console, "consult", MessageMode.Consult,
        "Answer a CONSULT question, read-only: \"DevOps Agent [CONSULT]: staging status\".");

    /// <summary>Lets the root command take a message itself: <c>devops-agent "DevOps Agent [CONSULT]: staging status"</c>.</summary>
    public static void AttachBareMessage(RootCommand root, CliConsole console)
    {
        var message = MessageInput.Argument();
        var file = MessageInput.FileOption();
        // Hidden, or every verb's usage line would start with the root's optional [<message>].
        message.Hidden = true;
        root.Arguments.Add(message);
        root.Options.Add(file);
        root.Options.Add(ProtocolServices.ProjectDirectory);
        root.SetAction((parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(message);
            if (text is null && parseResult.GetValue(file) is null)
            {
                throw new DevOpsAgentException("No command: see `devops-agent --help`, or give a quoted message: "
                    + "devops-agent \"DevOps Agent [CONSULT]: staging status\".", ExitCodes.Usage);
            }

            if (text is not null && text != "-" && !text.Contains(' ', StringComparison.Ordinal))
            {
                // One bare word is a mistyped verb far more often than a message.
                throw new DevOpsAgentException($"Unknown command '{MessageParser.Printable(text)}'. See `devops-agent --help`; a message is quoted: "
                    + "devops-agent \"DevOps Agent [CONSULT]: staging status\".", ExitCodes.Usage);
            }

            return RunAsync(parseResult, console, message, file, expected: null, cancellationToken);
        });
    }

    private static Command Create(CliConsole console, string name, MessageMode mode, string description)
    {
        var message = MessageInput.Argument();
        var file = MessageInput.FileOption();
        var command = new Command(name, description) { message, file, ProtocolServices.ProjectDirectory };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, console, message, file, mode, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CliConsole console, Argument<string?> argument, Option<FileInfo?> file,
        MessageMode? expected, CancellationToken cancellationToken)
    {
        var message = Parse(await MessageInput.ReadAsync(parseResult, argument, file, console, cancellationToken), expected, parseResult);
        var json = parseResult.GetValue(CommonOptions.Json);
        var observer = new ConsoleDeployObserver(console, parseResult.GetValue(CliApp.Verbose), silent: json || message.Mode == MessageMode.Consult);
        var context = ProtocolServices.Create(parseResult, observer);
        if (message.Mode == MessageMode.Consult)
        {
            var answer = await new Consultant(context).AnswerAsync(message, cancellationToken);
            await console.Out.WriteLineAsync(json ? answer.ToJson() : Redaction.Redact(answer.Text));
            return ExitCodes.Success;
        }

        var report = await new ProtocolExecutor(context).ExecuteAsync(message, cancellationToken);
        await console.Out.WriteLineAsync(json ? report.ToJson() : ReportText.Render(report));
        using var http = new HttpClient();
        var publisher = new ReportPublisher(http, line => console.Error.WriteLine(line));
        await publisher.PublishAsync(report, context.Config.Orchestrator, ProtocolServices.ConfigDirectory(parseResult), CancellationToken.None);
        return report.ExitCode;
    }

    /// <summary>
    /// The message is read before the configuration, so that a bad message is reported as such even without one;
    /// a refused message is read again with the configured environments, for its suggestion to name one of them.
    /// </summary>
    private static AgentMessage Parse(string text, MessageMode? expected, ParseResult parseResult)
    {
        try
        {
            return MessageParser.Parse(text, expected);
        }
        catch (DevOpsAgentException) when (EnvironmentNames(parseResult) is { } environments)
        {
            return MessageParser.Parse(text, expected, environments);
        }
    }

    private static IReadOnlyCollection<string>? EnvironmentNames(ParseResult parseResult)
    {
        try
        {
            return [.. new AgentServices(parseResult).Config.Environments.Keys];
        }
        catch (DevOpsAgentException)
        {
            return null;
        }
    }
}
