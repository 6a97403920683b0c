namespace DevOpsAgent.Core.Errors;

/// <summary>
/// An error meant for the user: one clear line and the exit code it maps to. Caught once, at the top of
/// the CLI. Messages must never contain secret values.
/// </summary>
public class DevOpsAgentException : Exception
{
    public DevOpsAgentException(string message, int exitCode, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public int ExitCode { get; }
}

public sealed class InvalidInputException(string message)
    : DevOpsAgentException(message, ExitCodes.InvalidInput);

public sealed class ConnectionFailedException(string message, Exception? innerException = null)
    : DevOpsAgentException(message, ExitCodes.ConnectionFailed, innerException);
