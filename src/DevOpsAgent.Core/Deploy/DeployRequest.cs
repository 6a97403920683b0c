using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Deploy;

/// <summary>What to deploy where, on whose behalf.</summary>
public sealed record DeployRequest(EnvironmentConfig Environment, GitRef Ref, string StartedBy)
{
    public string? TaskId { get; init; }

    /// <summary>Plan only: commands are recorded, not run; health runs one pass and nothing is waited for.</summary>
    public bool DryRun { get; init; }
}
