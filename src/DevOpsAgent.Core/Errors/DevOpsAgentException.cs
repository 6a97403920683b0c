namespace DevOpsAgent.Core.Errors;

/// <summary>
/// An error meant for the user: one clear line and the kind (exit code) it maps to. Caught once, at the top of
/// the CLI and of every MCP tool (see the CLI's ErrorBoundary). Messages must never contain secret values, and
/// input echoed in them goes through <see cref="InputText.Quote"/>.
/// </summary>
public class DevOpsAgentException : Exception
{
    public DevOpsAgentException(string message, int exitCode, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public DevOpsAgentException(string message, ErrorKind kind, Exception? innerException = null)
        : this(message, (int)kind, innerException)
    {
    }

    public int ExitCode { get; }

    public ErrorKind Kind => Enum.IsDefined((ErrorKind)ExitCode) ? (ErrorKind)ExitCode : ErrorKind.Internal;
}

public sealed class InvalidInputException(string message, Exception? innerException = null)
    : DevOpsAgentException(message, ExitCodes.InvalidInput, innerException);

/// <summary>The command line itself is wrong: a bad option value, options that exclude each other.</summary>
public sealed class UsageException(string message)
    : DevOpsAgentException(message, ExitCodes.Usage);

public sealed class ConnectionFailedException(string message, Exception? innerException = null)
    : DevOpsAgentException(message, ExitCodes.ConnectionFailed, innerException);
