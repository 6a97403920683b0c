using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Deploy;

/// <summary>What to deploy where, on whose behalf.</summary>
public sealed record DeployRequest(EnvironmentConfig Environment, GitRef Ref, string StartedBy)
{
    public string? TaskId { get; init; }

    /// <summary>Who approved the release in QA (production pre-flight).</summary>
    public string? QaApprovedBy { get; init; }

    /// <summary>Deploy even though pre-flight items failed; the reason is recorded.</summary>
    public string? OverridePreflight { get; init; }

    /// <summary>How long to wait for another deploy's lock before giving up.</summary>
    public TimeSpan LockWait { get; init; }

    /// <summary>A lock without a heartbeat for this long belongs to a dead deploy and is taken over.</summary>
    public TimeSpan LockStaleAfter { get; init; } = Locks.DeployLock.DefaultStaleAfter;

    /// <summary>The project's pre-deployment checks, run first; errors refuse the deploy. Null skips them.</summary>
    public Quality.QualityGate? QualityGate { get; init; }

    /// <summary>Plan only: commands are recorded, not run; health runs one pass and nothing is waited for.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// False: this host's deploy neither plans, backs up, migrates nor downgrades the database (another host of the
    /// fleet does it once).
    /// </summary>
    public bool RunMigrations { get; init; } = true;

    /// <summary>
    /// A fleet with a registry: this host builds and pushes the release's images, or pulls them instead of building.
    /// Null: the host builds for itself (one server, or a fleet without <c>registry:</c>).
    /// </summary>
    public SharedImages? Images { get; init; }

    /// <summary>
    /// A fleet's canary: awaited as the step "wait for canary" once everything that leaves what the host serves alone is
    /// done (fetch, checkout, images, pre-flight) and before its first change (migrations, <c>up</c>); returns the
    /// step's line. When the canary fails, the fleet cancels this host's deploy here, and the host undoes its checkout.
    /// Null: nothing to wait for (one server, the canary itself, <c>canary: false</c>).
    /// </summary>
    public Func<CancellationToken, Task<string>>? WaitForCanary { get; init; }

    /// <summary>
    /// A Swarm's `rollback`: the stack goes back to this release the manager recorded (its code and images, deployed as a
    /// release is), and the database to its revision afterwards, with the newer release's migrations. Null: a deploy.
    /// </summary>
    public ServerRelease? RollbackTo { get; init; }
}
