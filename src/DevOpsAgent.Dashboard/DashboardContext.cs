using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;

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

    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(8);

    public TimeSpan StatusCacheFor { get; init; } = TimeSpan.FromSeconds(10);
}
