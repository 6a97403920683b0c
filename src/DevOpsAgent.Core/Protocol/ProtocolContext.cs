using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// What answering and executing Orchestrator messages needs from the outside world, given once by the CLI
/// (or the MCP server) so that both go through the same services.
/// </summary>
public sealed record ProtocolContext
{
    public required AgentConfig Config { get; init; }

    /// <summary>One connection to an environment's server for one operation.</summary>
    public required Func<EnvironmentConfig, CancellationToken, Task<ICommandRunner>> ConnectAsync { get; init; }

    public required IDeployHistory History { get; init; }

    /// <summary>Reads the Orchestrator's project state; null when none is configured. Read when a task is looked up.</summary>
    public Func<ProjectState?> LoadState { get; init; } = () => null;

    /// <summary>Where the project state comes from, for messages.</summary>
    public string? StateSource { get; init; }

    /// <summary>The application's files, for "required environment variables".</summary>
    public Func<CancellationToken, Task<ProjectSnapshot>>? LoadProjectAsync { get; init; }

    /// <summary>The pre-deployment checks every deploy runs first; null skips them.</summary>
    public QualityGate? QualityGate { get; init; }

    public required string Actor { get; init; }

    public IDeployObserver Observer { get; init; } = SilentObserver.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IReadOnlyCollection<string> EnvironmentNames => [.. Config.Environments.Keys];

    /// <summary>Production is where releases ship after QA: named so, or guarded by a pre-flight (<c>preflight: tested_on:</c>).</summary>
    public bool IsProductionEnvironment(string environment) =>
        IsProduction(environment) || Config.Environments.TryGetValue(environment, out var e) && e.PreflightTestedOn is not null;

    public static bool IsProduction(string environment) => environment is "production" or "prod";
}

/// <summary>An observer that shows nothing (JSON output, MCP).</summary>
public sealed class SilentObserver : IDeployObserver
{
    public static readonly SilentObserver Instance = new();

    public void StepStarted(string step)
    {
    }

    public void StepFinished(StepRecord step)
    {
    }

    public void CheckReported(Health.CheckResult check)
    {
    }

    public void Output(string line)
    {
    }
}
