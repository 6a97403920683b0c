using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Fleet;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Fleet;

/// <summary>A fleet with <c>registry:</c>: the first host builds the release once and pushes it, the others pull it.</summary>
public sealed class FleetRegistryWorkflowTests
{
    private const string Build = "docker-compose.prod.yml build";
    private const string Up = " up -d --remove-orphans";
    private const string Registry = "10.77.0.1:5000";
    private const string BackendDigest = "sha256:1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b";
    private const string FrontendDigest = "sha256:2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f";
    private const string BackendImage = Registry + "/shop-staging-backend:111111111111";
    private const string BackendPinned = Registry + "/shop-staging-backend@" + BackendDigest;
    private const string FrontendPinned = Registry + "/shop-staging-frontend@" + FrontendDigest;

    private readonly MemoryHistory _history = new();

    private static FakeHost[] Hosts(EnvironmentConfig environment, bool canary)
    {
        var probe = new FleetProbe { Expected = environment.Hosts.Count };
        var hosts = environment.Hosts.Select((h, i) => new FakeHost(h, probe, canary: canary && i == 0)).ToArray();
        foreach (var host in hosts)
        {
            // What keep images prints after a build (or a pull) of the release: one `repository id` line per image.
            host.Recording
                .Answer("for repo in $(docker images", standardOutput: "shop-staging-backend sha256:aaa\nshop-staging-frontend sha256:bbb\n")
                .Answer($"docker push {Registry}/shop-staging-backend:", standardOutput: $"Pushed\n111111111111: digest: {BackendDigest} size: 1784\n")
                .Answer($"docker push {Registry}/shop-staging-frontend:", standardOutput: $"Pushed\n111111111111: digest: {FrontendDigest} size: 1203\n");
        }

        return hosts;
    }

    private static (EnvironmentConfig Environment, FakeHost[] Hosts) Scenario(int hosts, int parallel = 4, bool canary = true)
    {
        var list = Enumerable.Range(1, hosts).Select(i => new HostConfig($"web{i}.example.com", 22, "deploy")).ToList();
        var environment = ProtocolFakes.Environment("staging", "staging") with
        {
            Server = list[0].Host,
            Hosts = list,
            Parallel = parallel,
            Canary = canary,
            Registry = Registry,
        };
        return (environment, Hosts(environment, canary));
    }

    private Task<FleetDeployResult> DeployAsync(EnvironmentConfig environment, FakeHost[] hosts) =>
        new FleetDeployWorker(ProtocolFakes.Config, (host, _) => Task.FromResult<ICommandRunner>(hosts.Single(h => h.Host == host)), _history, SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(environment, GitRef.Parse("staging"), "alice@laptop"), CancellationToken.None);

    private static long FirstOf(FakeHost host, string fragment) => host.Log.First(l => l.Text.Contains(fragment, StringComparison.Ordinal)).Sequence;

    private static long LastOf(FakeHost host, string fragment) => host.Log.Last(l => l.Text.Contains(fragment, StringComparison.Ordinal)).Sequence;

    [Fact]
    public async Task With_a_registry_the_release_is_built_once_and_the_other_hosts_pull_exactly_that_build()
    {
        var (environment, hosts) = Scenario(hosts: 3);

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(1, hosts.Sum(h => h.Count(Build)));
        Assert.Equal(1, hosts[0].Count(Build));
        Assert.Contains($"docker tag sha256:aaa {BackendImage}", hosts[0].Texts);
        Assert.Equal([$"docker tag sha256:aaa {BackendImage}", $"docker push {BackendImage}", $"docker rmi {BackendImage}"],
            hosts[0].Texts.Where(t => t.EndsWith(BackendImage, StringComparison.Ordinal)));
        Assert.Contains($"docker push {Registry}/shop-staging-frontend:111111111111", hosts[0].Texts);
        Assert.DoesNotContain(hosts[0].Texts, t => t.StartsWith("docker pull", StringComparison.Ordinal));
        foreach (var host in hosts.Skip(1))
        {
            Assert.Equal(
                [$"docker pull --quiet {BackendPinned}", $"docker tag {BackendPinned} shop-staging-backend:latest",
                 $"docker pull --quiet {FrontendPinned}", $"docker tag {FrontendPinned} shop-staging-frontend:latest"],
                host.Texts.Where(t => t.StartsWith("docker pull", StringComparison.Ordinal) || t.StartsWith($"docker tag {Registry}", StringComparison.Ordinal)));
            // Pulled, then kept as the release's (so a rollback re-tags it), then started.
            Assert.True(LastOf(host, $"docker tag {Registry}") < FirstOf(host, "for repo in $(docker images"));
            Assert.True(FirstOf(host, "for repo in $(docker images") < FirstOf(host, Up));
            Assert.DoesNotContain(host.Texts, t => t.StartsWith("docker push", StringComparison.Ordinal));
        }

        var steps = result.Record.Steps.Select(s => s.Name).ToList();
        Assert.Contains("deploy@web1.example.com:22: push", steps);
        Assert.Contains("deploy@web2.example.com:22: pull", steps);
        Assert.DoesNotContain("deploy@web2.example.com:22: build", steps);
        Assert.Equal($"2 image(s) pushed to {Registry}: {BackendPinned}, {FrontendPinned}",
            result.Record.Steps.Single(s => s.Name == "deploy@web1.example.com:22: push").Detail);
    }

    [Fact]
    public async Task Without_a_canary_the_other_hosts_check_out_meanwhile_and_pull_once_the_first_host_pushed()
    {
        var (environment, hosts) = Scenario(hosts: 3, parallel: 3, canary: false);

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(1, hosts.Sum(h => h.Count(Build)));
        var pushed = LastOf(hosts[0], "docker push");
        Assert.All(hosts.Skip(1), h => Assert.True(FirstOf(h, "docker pull") > pushed, $"{h.Host.Name} pulled before the push"));
        Assert.All(hosts, h => Assert.True(h.Ran(Up)));
    }

    [Fact]
    public async Task A_failed_pull_rolls_the_fleet_back_and_the_failing_host_keeps_its_previous_images()
    {
        var (environment, hosts) = Scenario(hosts: 3, parallel: 1);
        hosts[2].FailOn = "docker pull";

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.Equal([DeployOutcome.RolledBack, DeployOutcome.RolledBack, DeployOutcome.Failed], result.Hosts.Select(l => l.Outcome));
        Assert.Equal("pull", result.Hosts[2].FailedStep);
        Assert.StartsWith($"deploy@web3.example.com:22: `docker pull --quiet {BackendPinned}` failed on deploy@web3.example.com:22 with exit code 1: ", result.Record.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Record.Error!);
        Assert.False(hosts[2].Ran(Up));
        // Its checkout and its latest images are back on the release it serves (nothing was started).
        Assert.Contains(hosts[2].Texts, t => t.Contains($"checkout --quiet --force --detach {ProtocolFakes.Previous}", StringComparison.Ordinal));
        Assert.Contains(hosts[2].Texts, t => t.Contains("no images kept for this release", StringComparison.Ordinal));
        Assert.All(hosts.Take(2), h => Assert.Equal(2, h.Count(Up)));
        Assert.Equal(1, hosts.Sum(h => h.Count(Build)));
    }

    [Fact]
    public async Task A_failed_push_fails_the_canary_and_the_others_stop_before_pulling_or_starting_anything()
    {
        var (environment, hosts) = Scenario(hosts: 3);
        hosts[0].FailOn = "docker push";

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.CommandFailed, result.ExitCode);
        Assert.Equal([DeployOutcome.Failed, DeployOutcome.Failed, DeployOutcome.Failed], result.Hosts.Select(l => l.Outcome));
        Assert.Equal("push", result.Hosts[0].FailedStep);
        Assert.StartsWith($"deploy@web1.example.com:22: `docker push {BackendImage}` failed on deploy@web1.example.com:22 with exit code 1: ", result.Record.Error, StringComparison.Ordinal);
        Assert.False(hosts[0].Ran(Up));
        Assert.Contains(hosts[0].Texts, t => t.Contains("no images kept for this release", StringComparison.Ordinal));
        // The others had prepared while the canary built; they were waiting for its images and pulled nothing.
        Assert.All(hosts.Skip(1), h => Assert.False(h.Ran("docker pull")));
        Assert.All(hosts.Skip(1), h => Assert.False(h.Ran(Up)));
        Assert.All(hosts.Skip(1), h => Assert.False(h.Ran(Build)));
    }

    [Fact]
    public async Task Without_a_canary_a_failed_push_stops_the_hosts_waiting_for_it_before_they_change_anything()
    {
        var (environment, hosts) = Scenario(hosts: 3, parallel: 3, canary: false);
        hosts[0].FailOn = "docker push";

        var result = await DeployAsync(environment, hosts);

        Assert.Equal(ExitCodes.CommandFailed, result.ExitCode);
        Assert.Equal(DeployOutcome.Failed, result.Record.Outcome);
        Assert.StartsWith("deploy@web1.example.com:22: `docker push ", result.Record.Error, StringComparison.Ordinal);
        Assert.All(hosts, h => Assert.False(h.Ran(Up)));
        Assert.All(hosts.Skip(1), h => Assert.False(h.Ran("docker pull")));
        Assert.All(result.Hosts, l => Assert.Equal(DeployOutcome.Failed, l.Outcome));
    }
}
