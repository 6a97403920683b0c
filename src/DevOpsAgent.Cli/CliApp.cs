using System.CommandLine;
using System.CommandLine.Invocation;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Cli.Commands;

namespace DevOpsAgent.Cli;

/// <summary>Builds the command tree and maps every user error to its exit code, in one place.</summary>
public static class CliApp
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces and every command as it runs.",
        Recursive = true,
    };

    public static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "DevOps Agent: deploys docker-compose stacks over SSH with coordinated migrations, verified health and automatic rollback.");
        root.Options.Add(Verbose);
        root.Options.Add(CommonOptions.Config);
        root.Options.Add(CommonOptions.Json);
        root.Options.Add(CommonOptions.AcceptNewHostKey);
        root.Options.Add(CommonOptions.History);
        root.Subcommands.Add(DeployCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        root.Subcommands.Add(HistoryCommand.Create(console));
        root.Subcommands.Add(LogsCommand.Create(console));
        root.Subcommands.Add(RollbackCommand.Create(console));
        root.Subcommands.Add(MigrationsCommand.Create(console));
        root.Subcommands.Add(DiffCommand.Create(console));
        root.Subcommands.Add(Commands.EnvCommands.Create(console));
        root.Subcommands.Add(Commands.CheckCommand.Create(console));
        root.Subcommands.Add(InitCommand.Create(console));
        root.Subcommands.Add(LockCommand.Create(console));
        root.Subcommands.Add(Commands.BackupCommands.List(console));
        root.Subcommands.Add(Commands.BackupCommands.Restore(console));
        root.Subcommands.Add(MessageCommands.Execute(console));
        root.Subcommands.Add(MessageCommands.Consult(console));
        root.Subcommands.Add(Mcp.McpCommand.Create(console));
        root.Subcommands.Add(DashboardCommand.Create(console));
        MessageCommands.AttachBareMessage(root, console);
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. Every failure leaves here as one line on stderr and a named exit code
    /// (<see cref="ErrorBoundary"/>): nothing escapes as a stack trace or the runtime's exit 134.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        ParseResult? parseResult = null;
        try
        {
            parseResult = BuildRootCommand(console).Parse(args);
            if (parseResult.Action is ParseErrorAction)
            {
                return await ErrorBoundary.WriteParseErrorAsync(console, parseResult, parseResult.Errors[0].Message);
            }

            if (StrayToken(parseResult) is { } stray)
            {
                return await ErrorBoundary.WriteParseErrorAsync(console, parseResult, $"Unrecognized command or argument '{stray}'.");
            }

            var configuration = new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                // System.CommandLine's own Ctrl-C handling gives up on the action 2 s after a cancel and exits 130,
                // which would cut a rollback short; Program.cs owns the signals and the operations their grace.
                ProcessTerminationTimeout = null,
            };
            NotificationHub.Warn = line => console.Error.WriteLine(line);
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception error)
        {
            var verbose = parseResult?.GetValue(Verbose) ?? args.Contains("--verbose");
            // After Ctrl-C a library may fail its own way (a disposed socket, a timeout); that is still the interrupt.
            // Our own errors keep their kind: a failed rollback's message says what state the server is in.
            var reported = cancellationToken.IsCancellationRequested && error is not DevOpsAgentException ? new OperationCanceledException(cancellationToken) : error;
            return await ErrorBoundary.WriteAsync(console, reported, verbose, parseResult is null ? null : HistoryPath(parseResult));
        }
        finally
        {
            // A failed operation is told too: its webhooks' deliveries are waited for (bounded) on every way out.
            await NotificationHub.DrainAsync();
        }
    }

    /// <summary>
    /// A word before the verb (<c>--bogus status staging</c>, <c>typo status staging</c>): the parser gives it to
    /// the root's optional message argument and runs the verb anyway.
    /// </summary>
    private static string? StrayToken(ParseResult parseResult) =>
        parseResult.CommandResult == parseResult.RootCommandResult
            ? null
            : parseResult.RootCommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().SelectMany(a => a.Tokens).FirstOrDefault()?.Value;

    private static string? HistoryPath(ParseResult parseResult) => AgentServices.HistoryPath(parseResult);
}
