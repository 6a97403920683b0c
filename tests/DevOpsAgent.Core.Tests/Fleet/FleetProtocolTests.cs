using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;
using static DevOpsAgent.Core.Tests.Fleet.FleetDeployWorkflowTests;

namespace DevOpsAgent.Core.Tests.Fleet;

/// <summary>
/// The Orchestrator's EXECUTE (and so the MCP server, which goes through the same executor) on an environment with
/// several hosts or a Swarm: the engine the configuration names, never the first host alone.
/// </summary>
public sealed class FleetProtocolTests
{
    private readonly MemoryHistory _history = new();

    private ProtocolContext Context(EnvironmentConfig staging, Func<EnvironmentConfig, ICommandRunner> connect) => ProtocolFakes.Context(new RecordingCommandRunner(), _history) with
    {
        Config = ProtocolFakes.Config with { Environments = new Dictionary<string, EnvironmentConfig> { ["staging"] = staging } },
        ConnectAsync = (environment, _) => Task.FromResult(connect(environment)),
    };

    private static Task<ExecutionReport> ExecuteAsync(ProtocolContext context, string message) =>
        new ProtocolExecutor(context).ExecuteAsync(MessageParser.Parse(message, MessageMode.Execute), CancellationToken.None);

    [Fact]
    public async Task An_execute_deploy_and_rollback_of_a_fleet_reach_every_host()
    {
        var (environment, hosts, _) = Scenario(hosts: 3);
        var context = Context(environment, e => hosts.Single(h => h.Host.Host == e.Server));

        var deployed = await ExecuteAsync(context, "DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging");

        Assert.Equal((ReportOutcome.Succeeded, ExitCodes.Success), (deployed.Outcome, deployed.ExitCode));
        Assert.All(hosts, h => Assert.True(h.Ran(Up), $"{h.Host.Name} was not deployed"));
        Assert.Contains(deployed.Steps, s => s.Name == "host deploy@web3.example.com:22");

        var rolledBack = await ExecuteAsync(context, "DevOps Agent [EXECUTE TASK-045]: Roll back staging");

        Assert.Equal((ReportOutcome.Succeeded, ExitCodes.Success), (rolledBack.Outcome, rolledBack.ExitCode));
        Assert.All(hosts, h => Assert.EndsWith($"checkout --quiet --force --detach {ProtocolFakes.Previous}",
            h.Texts.Last(t => t.Contains("checkout --quiet", StringComparison.Ordinal)), StringComparison.Ordinal));
        Assert.Contains(rolledBack.Steps, s => s.Name == "host deploy@web2.example.com:22");
    }

    [Fact]
    public async Task An_execute_rollback_of_a_swarm_is_refused_and_nothing_is_run()
    {
        var runner = ProtocolFakes.HealthyServer();
        var swarm = ProtocolFakes.Environment("staging", "staging") with
        {
            Swarm = new SwarmConfig { Registry = "registry.example.com:5000" },
        };
        var context = Context(swarm, _ => runner);

        var report = await ExecuteAsync(context, "DevOps Agent [EXECUTE TASK-045]: Roll back staging");

        Assert.Equal((ReportOutcome.Refused, ExitCodes.Refused), (report.Outcome, report.ExitCode));
        Assert.StartsWith("refused: `rollback` of staging (engine: swarm) is not supported yet", report.Reason, StringComparison.Ordinal);
        Assert.Empty(runner.Commands);
    }
}
