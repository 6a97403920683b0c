namespace DevOpsAgent.Core.Errors;

/// <summary>Every exit code the CLI can return, in one place; README documents the same table.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something unexpected: a bug, reported with its stack trace under --verbose.</summary>
    public const int InternalError = 1;

    /// <summary>The command line itself is wrong (unknown verb or option, missing argument, a value out of range). Never 1.</summary>
    public const int Usage = 2;

    /// <summary>Configuration (devops-agent.yml, environment variables, the history database) is missing or invalid, or names no such environment.</summary>
    public const int InvalidConfiguration = 3;

    /// <summary>An input value (ref, service name, message, .env file) was refused before anything ran.</summary>
    public const int InvalidInput = 4;

    /// <summary>The server could not be reached, or its host key was unknown or changed.</summary>
    public const int ConnectionFailed = 5;

    /// <summary>A command on the server failed.</summary>
    public const int CommandFailed = 6;

    /// <summary>The deploy ran but the health verification failed.</summary>
    public const int HealthCheckFailed = 7;

    /// <summary>A quality check (check, env check) ran and found errors; the findings say which.</summary>
    public const int CheckFailed = 8;

    /// <summary>Refused before anything changed: a pre-flight item failed, the migrations cannot be run safely, or an Orchestrator message was for another agent, not understood, or its task not assigned to this agent.</summary>
    public const int Refused = 9;

    /// <summary>The deploy failed and the previous release was restored, healthy.</summary>
    public const int RolledBack = 10;

    /// <summary>The deploy failed and so did the rollback: the message says what state the server is in.</summary>
    public const int RollbackFailed = 11;

    /// <summary><c>env diff</c>: the local .env and the server's differ (the keys are listed, never the values).</summary>
    public const int EnvDiffers = 12;

    /// <summary>Another deploy holds the environment's deploy lock (the message names it), or took it over.</summary>
    public const int Locked = 13;

    /// <summary>A destructive operation (restore) was asked for without --yes; nothing was changed.</summary>
    public const int ConfirmationRequired = 14;

    /// <summary>The operation was cancelled (Ctrl+C) or timed out.</summary>
    public const int Cancelled = 130;
}
