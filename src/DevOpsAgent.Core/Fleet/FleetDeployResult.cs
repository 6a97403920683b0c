using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Core.Fleet;

/// <summary>One host's part in a fleet deploy, as the result and history show it.</summary>
/// <param name="Outcome">
/// Succeeded (serving the new release), RolledBack (back on its previous release, by itself or by the fleet),
/// Failed (neither: see Error), Running (never started: an earlier host failed or the deploy was cancelled).
/// </param>
public sealed record HostDeployLine(HostConfig Host, DeployOutcome Outcome, TimeSpan Duration, string? FailedStep, string? Error)
{
    public bool Migrated { get; init; }

    public override string ToString() =>
        $"{Host.Name}: {Describe(Outcome)} in {Duration.TotalSeconds:0.0}s"
        + (Migrated ? " (ran the migrations)" : "")
        + (FailedStep is null ? "" : $" — failed at {FailedStep}")
        + (Error is null ? "" : $": {Error}");

    private static string Describe(DeployOutcome outcome) => outcome switch
    {
        DeployOutcome.Running => "not started",
        DeployOutcome.RolledBack => "rolled back",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}

/// <summary>The outcome of a fleet deploy: the one history record, a line per host, and the exit code.</summary>
public sealed record FleetDeployResult(DeployRecord Record, IReadOnlyList<HostDeployLine> Hosts, int ExitCode);
