namespace DevOpsAgent.Core.Errors;

/// <summary>What went wrong, as the user sees it; each kind is one named exit code of <see cref="ExitCodes"/>.</summary>
public enum ErrorKind
{
    Internal = ExitCodes.InternalError,
    Usage = ExitCodes.Usage,
    InvalidConfiguration = ExitCodes.InvalidConfiguration,
    InvalidInput = ExitCodes.InvalidInput,
    ConnectionFailed = ExitCodes.ConnectionFailed,
    CommandFailed = ExitCodes.CommandFailed,
    HealthCheckFailed = ExitCodes.HealthCheckFailed,
    CheckFailed = ExitCodes.CheckFailed,
    Refused = ExitCodes.Refused,
    RolledBack = ExitCodes.RolledBack,
    RollbackFailed = ExitCodes.RollbackFailed,
    EnvDiffers = ExitCodes.EnvDiffers,
    Locked = ExitCodes.Locked,
    ConfirmationRequired = ExitCodes.ConfirmationRequired,
    Cancelled = ExitCodes.Cancelled,
}
