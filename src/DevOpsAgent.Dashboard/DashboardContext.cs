using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Dashboard;

/// <summary>What the dashboard needs from the CLI: the same config, history and connections its commands use.</summary>
public sealed record DashboardContext
{
    public required AgentConfig Config { get; init; }

    public required IDeployHistory History { get; init; }

    public required Func<EnvironmentConfig, CancellationToken, Task<ICommandRunner>> ConnectAsync { get; init; }

    /// <summary>Who the dashboard's operations are recorded as started by: "dashboard (user@host)".</summary>
    public required string Actor { get; init; }

    public DashboardToken? Token { get; init; }

    /// <summary>The server's secret files (its .env, read to mask its values in live logs); null masks by pattern only.</summary>
    public Func<EnvironmentConfig, CancellationToken, Task<ISecretFileStore>>? OpenSecretFilesAsync { get; init; }

    /// <summary>
    /// Layer 2: the protocol services an EXECUTE goes through, with the page's operation as observer. A rollback
    /// that names a task runs as <c>DevOps Agent [EXECUTE TASK-…]: Rollback &lt;env&gt;</c> does (TaskGate, a
    /// recorded refusal, the report); null when the dashboard runs without them (tests of the pages).
    /// </summary>
    public Func<IDeployObserver, ProtocolContext>? Protocol { get; init; }

    /// <summary>An Orchestrator's project state is configured: then every rollback from the page needs a task assigned to DevOps Agent.</summary>
    public bool RequiresTask { get; init; }

    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(8);

    public TimeSpan StatusCacheFor { get; init; } = TimeSpan.FromSeconds(10);
}
