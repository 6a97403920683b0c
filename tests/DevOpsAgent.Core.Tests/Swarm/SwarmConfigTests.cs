using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Swarm;

/// <summary><c>engine: swarm</c> — an environment run by Docker Swarm through its manager.</summary>
public sealed class SwarmConfigTests
{
    private static EnvironmentConfig Read(string environment) =>
        AgentConfig.Read(YamlConfigLoader.Parse($"""
            project: shop
            repository: git@example.com:acme/shop.git
            environments:
              production:
                server: manager.example.com
                user: deploy
                path: /var/www/shop
                tag: v1.0.0
            {string.Join('\n', environment.Split('\n').Select(l => "    " + l))}
            """), new Dictionary<string, string>()).Environment("production");

    private static string ErrorOf(string environment) => Assert.Throws<ConfigurationException>(() => Read(environment)).Message;

    [Fact]
    public void Compose_is_the_default_engine()
    {
        Assert.Null(Read("").Swarm);
        Assert.Null(Read("engine: compose").Swarm);
    }

    [Fact]
    public void A_swarm_environment_names_its_registry_and_may_tune_updates()
    {
        var swarm = Read("engine: swarm\nregistry: 10.77.0.1:5000\nswarm:\n  update_parallelism: 2\n  monitor: 15s\n  endpoint_mode: dnsrr").Swarm;

        Assert.Equal(new SwarmConfig { Registry = "10.77.0.1:5000", UpdateParallelism = 2, Monitor = TimeSpan.FromSeconds(15), EndpointMode = SwarmEndpointMode.Dnsrr }, swarm);
        Assert.Equal(new SwarmConfig { Registry = "registry.example.com" }, Read("engine: swarm\nregistry: registry.example.com").Swarm);
    }

    [Fact]
    public void The_edge_is_turned_on_with_true_or_a_mapping_and_brings_a_drain_of_15s_unless_told()
    {
        var on = Read("engine: swarm\nregistry: r:5000\nswarm:\n  endpoint_mode: dnsrr\n  edge: true").Swarm!;
        var tuned = Read("engine: swarm\nregistry: r:5000\nswarm:\n  drain: 0s\n  edge:\n    service: web\n    image: r:5000/haproxy:2.8\n    health: /healthz").Swarm!;

        Assert.Equal((new SwarmEdgeConfig(), TimeSpan.FromSeconds(15)), (on.Edge, on.Drain));
        Assert.Equal((new SwarmEdgeConfig { Service = "web", Image = "r:5000/haproxy:2.8", HealthPath = "/healthz" }, TimeSpan.Zero), (tuned.Edge, tuned.Drain));
        Assert.Equal((null, TimeSpan.Zero), (Read("engine: swarm\nregistry: r:5000\nswarm:\n  edge: false").Swarm!.Edge, Read("engine: swarm\nregistry: r:5000").Swarm!.Drain));
        Assert.Equal(TimeSpan.FromSeconds(20), Read("engine: swarm\nregistry: r:5000\nswarm:\n  drain: 20s").Swarm!.Drain);
        Assert.False(Read("engine: swarm\nregistry: r:5000\nswarm:\n  drain: 20s").Swarm!.WaitForDrain);
        Assert.True(Read("engine: swarm\nregistry: r:5000\nswarm:\n  edge: true\n  wait_for_drain: true").Swarm!.WaitForDrain);
    }

    [Theory]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  edge: maybe", "environments/production/swarm/edge: should be true or false (line 12)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  edge:\n    port: 80", "environments/production/swarm/edge/port: unknown key (expected one of: service, image, health) (line 13)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  edge:\n    health: healthz", "environments/production/swarm/edge/health: should be a path starting with '/', without spaces, quotes or '#' (line 13)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  edge:\n    image: 'Haproxy latest'", "environments/production/swarm/edge/image: should be an image reference such as haproxy:2.6 or registry:5000/haproxy:2.6 (line 13)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  edge:\n    service: 'web front'", "environments/production/swarm/edge/service: should be a service name of the compose files (letters, digits, '.', '_', '-') (line 13)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  drain: 11m", "environments/production/swarm/drain: should be from 0s to 10m (line 12)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  wait_for_drain: true", "environments/production/swarm/wait_for_drain: needs a drain (swarm: drain: 15s, or edge: true): without one a replaced task stops at once (line 12)")]
    [InlineData("engine: swarm", "environments/production/registry: required")]
    [InlineData("engine: kubernetes", "environments/production/engine: should be compose or swarm (line 9)")]
    [InlineData("registry: 10.77.0.1:5000", "environments/production/registry: only with engine: swarm or hosts: (line 9)")]
    [InlineData("engine: swarm\nregistry: 'http://10.77.0.1:5000'", "environments/production/registry: should be a registry host[:port], e.g. 10.77.0.1:5000 (line 10)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  endpoint_mode: mesh", "environments/production/swarm/endpoint_mode: should be vip or dnsrr (line 12)")]
    [InlineData("engine: swarm\nregistry: r:5000\nswarm:\n  update_parallelism: 0", "environments/production/swarm/update_parallelism: should be a whole number from 1 to 100 (line 12)")]
    [InlineData("engine: swarm\nregistry: r:5000\nzero_downtime: true", "environments/production/zero_downtime: not with engine: swarm (Swarm's start-first updates replace it) (line 11)")]
    public void Mistakes_name_their_yaml_path(string environment, string expected)
    {
        Assert.EndsWith(expected, ErrorOf(environment));
    }
}
