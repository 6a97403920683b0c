using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Deploy;

/// <summary>The stack came up but did not prove healthy before the deadline.</summary>
public sealed class HealthCheckFailedException(HealthReport report)
    : DevOpsAgentException($"health check failed: {report.FirstFailure}", ExitCodes.HealthCheckFailed)
{
    public HealthReport Report { get; } = report;
}
