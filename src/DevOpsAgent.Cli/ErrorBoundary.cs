using System.CommandLine;
using System.Net.Sockets;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Secrets;
using Microsoft.Data.Sqlite;
using Renci.SshNet.Common;

namespace DevOpsAgent.Cli;

/// <summary>What the user is told about a failure: the exit code and one line, without the "error: " prefix.</summary>
public sealed record BoundaryError(int ExitCode, string Message)
{
    public ErrorKind Kind => Enum.IsDefined((ErrorKind)ExitCode) ? (ErrorKind)ExitCode : ErrorKind.Internal;
}

/// <summary>
/// The one place an exception becomes an exit code and a line of text, for the CLI and for MCP tool errors.
/// Our own errors carry their kind; well-known framework and library failures are mapped by type; anything
/// else is a bug (exit 1). Every message is redacted, made one line with control and bidi characters escaped,
/// and capped in length, because messages quote input. Stack traces only with --verbose.
/// </summary>
public static class ErrorBoundary
{
    public static BoundaryError Map(Exception error, string? historyPath = null)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            return Map(aggregate.InnerExceptions[0], historyPath);
        }

        var (code, message) = error switch
        {
            DevOpsAgentException own => (own.ExitCode, own.Message),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
            SqliteException sqlite => (ExitCodes.InvalidConfiguration,
                $"the history database {historyPath ?? "(--history)"} cannot be used: {sqlite.Message} (choose another file with --history or $DEVOPS_AGENT_HISTORY)"),
            SshAuthenticationException or SshConnectionException or SshOperationTimeoutException or ProxyException or SocketException =>
                (ExitCodes.ConnectionFailed, $"could not reach the server: {error.Message}"),
            UnauthorizedAccessException => (ExitCodes.InvalidInput, $"permission denied on a local file: {error.Message}"),
            FileNotFoundException { FileName: { } file } => (ExitCodes.InvalidInput, $"local file not found: {file}"),
            IOException => (ExitCodes.InvalidInput, $"local file or folder problem: {error.Message}"),
            _ => (ExitCodes.InternalError,
                $"unexpected {error.GetType().Name}: {error.Message} (rerun with --verbose for the stack trace, and report it)"),
        };
        // Cut before redacting: the redaction's expressions are slow on megabytes of one token (a 2 MB name).
        var head = message.Length > 2 * InputText.LineLength ? message[..(2 * InputText.LineLength)] + "…" : message;
        return new BoundaryError(code, InputText.OneLine(Redaction.Redact(head)));
    }

    /// <summary>Writes the one error line (and under --verbose the stack trace) and returns the exit code.</summary>
    public static async Task<int> WriteAsync(CliConsole console, Exception error, bool verbose, string? historyPath)
    {
        var mapped = Map(error, historyPath);
        await console.Error.WriteLineAsync($"error: {mapped.Message}");
        if (verbose && mapped.ExitCode != ExitCodes.Cancelled)
        {
            await console.Error.WriteLineAsync(Redaction.Redact(error.ToString()));
        }

        return mapped.ExitCode;
    }

    /// <summary>
    /// A command line System.CommandLine refused: its first error and where help is, on one line, exit 2 (the
    /// library's own handler prints the whole help and exits 1).
    /// </summary>
    public static async Task<int> WriteParseErrorAsync(CliConsole console, ParseResult parseResult, string first)
    {
        var verbs = new List<string>();
        for (var symbol = parseResult.CommandResult; symbol is not null; symbol = symbol.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (symbol.Command is not RootCommand)
            {
                verbs.Insert(0, symbol.Command.Name);
            }
        }

        var help = string.Join(' ', ["devops-agent", .. verbs, "--help"]);
        await console.Error.WriteLineAsync($"error: {InputText.OneLine(first)} (see `{help}`)");
        return ExitCodes.Usage;
    }
}
