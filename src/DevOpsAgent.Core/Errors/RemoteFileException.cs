namespace DevOpsAgent.Core.Errors;

/// <summary>A file on the server could not be read or written (permissions, a missing folder, a full disk).</summary>
public sealed class RemoteFileException(string message, Exception? innerException = null)
    : DevOpsAgentException(message, ExitCodes.CommandFailed, innerException);
