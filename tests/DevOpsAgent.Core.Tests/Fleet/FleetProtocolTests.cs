using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Shell;
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

    private static readonly EnvironmentConfig Swarm = ProtocolFakes.Environment("staging", "staging") with { Swarm = new SwarmConfig { Registry = "registry.example.com:5000" } };

    /// <summary>A Swarm manager that served v1.0.0 (<see cref="ProtocolFakes.Previous"/>), then serves v1.1.0.</summary>
    private static RecordingCommandRunner SwarmManager()
    {
        var releases = string.Concat(new[] { (ProtocolFakes.Previous, "v1.0.0"), (ProtocolFakes.Commit, "v1.1.0") }.Select(r =>
            System.Text.Json.JsonSerializer.Serialize(new ServerRelease("staging", r.Item2, r.Item1, r.Item2, DateTimeOffset.UnixEpoch, "ci", null, "d"), ServerFiles.Json) + "\n"));
        return new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput: releases.Split('\n')[1])
            .Answer("cat /var/www/shop/.devops-agent/releases.jsonl", standardOutput: releases);
    }

    [Theory]
    [InlineData(false, "v1.0.0")]
    [InlineData(true, "v1.1.0")]
    public async Task A_swarm_rollback_after_an_interrupted_operation_returns_to_the_release_the_manager_recorded(bool interrupted, string expected)
    {
        var runner = SwarmManager()
            .Answer("cat /var/www/shop/.devops-agent/operation.json", standardOutput: interrupted ? """{"operation":"deploy","target_commit":"3333333333333333333333333333333333333333"}""" : "")
            .AppendRulesFrom(ProtocolFakes.HealthyServer());

        await new EnvironmentOperations(ProtocolFakes.Config, (_, _) => Task.FromResult<ICommandRunner>(runner), _history, SilentObserver.Instance, TimeProvider.System)
            .RollbackAsync(Swarm, null, "bob", null, DevOpsAgent.Core.Locks.DeployLock.DefaultStaleAfter, CancellationToken.None);

        // The lock names the release the rollback goes to.
        Assert.Contains(runner.Commands, c => c.Text.Contains($"\"target\":\"rollback {expected}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_execute_rollback_of_a_swarm_goes_to_the_managers_stack_not_to_compose()
    {
        var runner = SwarmManager()
            .Answer("Swarm.LocalNodeState", standardOutput: "active true\n")
            .Answer($"refs/remotes/origin/{ProtocolFakes.Previous}", standardOutput: ProtocolFakes.Previous + "\n")
            .AppendRulesFrom(ProtocolFakes.HealthyServer());

        var report = await ExecuteAsync(Context(Swarm, _ => runner), "DevOps Agent [EXECUTE TASK-045]: Roll back staging");

        // The Swarm worker asks whether the server is a manager, and never runs compose's up or restart.
        Assert.Contains(runner.Commands, c => c.Text.Contains("Swarm.LocalNodeState", StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains(" up -d", StringComparison.Ordinal));
        Assert.Equal("rollback", report.Action);
        Assert.Contains(runner.Commands, c => c.Text.Contains($"checkout --quiet --force --detach {ProtocolFakes.Previous}", StringComparison.Ordinal));
    }
}
