using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Locks;

/// <summary>Another deploy holds the app folder's lock (and is alive), or took it over from this one.</summary>
public sealed class DeployLockedException(string message, LockStatus status)
    : DevOpsAgentException(message, ExitCodes.Locked)
{
    public LockStatus Status { get; } = status;
}
