using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Configuration;

/// <summary><c>hosts:</c> — an environment on several machines; <c>server:</c> stays one.</summary>
public sealed class HostsConfigTests
{
    private static string Yaml(string environment) => $"""
        project: shop
        repository: git@example.com:acme/shop.git
        environments:
          production:
            path: /var/www/shop
            tag: v1.0.0
        {Indent(environment)}
        """;

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "    " + l));

    private static EnvironmentConfig Read(string environment) =>
        AgentConfig.Read(YamlConfigLoader.Parse(Yaml(environment)), new Dictionary<string, string>()).Environment("production");

    private static string ErrorOf(string environment) =>
        Assert.Throws<ConfigurationException>(() => Read(environment)).Message;

    [Fact]
    public void Server_is_one_host_exactly_as_before()
    {
        var production = Read("server: prod.example.com\nport: 2200\nuser: deploy");

        Assert.Equal(("prod.example.com", 2200, "deploy"), (production.Server, production.Port, production.User));
        Assert.Equal([new HostConfig("prod.example.com", 2200, "deploy")], production.Hosts);
        Assert.False(production.IsFleet);
        Assert.Equal((4, true), (production.Parallel, production.Canary));
    }

    [Fact]
    public void Hosts_as_strings_and_mappings_take_the_environments_user_and_port_as_defaults()
    {
        var production = Read("""
            user: deploy
            port: 2200
            parallel: 2
            canary: false
            hosts:
              - host: db1.example.com
                roles: [db, web]
              - web2.example.com
              - ops@web3.example.com:2222
              - { host: worker1.example.com, port: 22, user: jobs, roles: [worker] }
            """);

        Assert.Equal(
            ["deploy@db1.example.com:2200", "deploy@web2.example.com:2200", "ops@web3.example.com:2222", "jobs@worker1.example.com:22"],
            production.Hosts.Select(h => h.Name));
        Assert.Equal(["db", "web"], production.Hosts[0].Roles);
        Assert.Equal(["worker"], production.Hosts[3].Roles);
        Assert.Equal(("db1.example.com", 2200, "deploy"), (production.Server, production.Port, production.User));
        Assert.Equal((2, false, true), (production.Parallel, production.Canary, production.IsFleet));
    }

    [Fact]
    public void A_host_per_host_environment_sees_only_that_host()
    {
        var production = Read("user: deploy\nhosts: [web1, web2]");

        var second = production.OnHost(production.Hosts[1]);

        Assert.Equal(("web2", 22, "deploy", false), (second.Server, second.Port, second.User, second.IsFleet));
        Assert.Equal(production.Path, second.Path);
    }

    [Fact]
    public void A_fleet_may_name_a_registry_its_hosts_share_the_release_images_through()
    {
        Assert.Equal("10.77.0.1:5000", Read("user: deploy\nhosts: [web1, web2]\nregistry: 10.77.0.1:5000").Registry);
        Assert.Null(Read("user: deploy\nhosts: [web1, web2]").Registry);
        Assert.Null(Read("server: web1\nuser: deploy").Registry);
    }

    [Theory]
    [InlineData("server: a\nuser: deploy\nhosts: [b]", "environments/production/server: set either server or hosts, not both")]
    [InlineData("user: deploy\nhosts: [web1, web2, WEB1]", "environments/production/hosts/2: WEB1:22 is listed twice")]
    [InlineData("user: deploy\nhosts: [web1:22, 'web1']", "environments/production/hosts/1: web1:22 is listed twice")]
    [InlineData("user: deploy\nhosts: [web1, 'web2:70000']", "environments/production/hosts/1: the port after ':' should be a whole number from 1 to 65535")]
    [InlineData("user: deploy\nhosts:\n  - web1\n  - { host: web2, port: 0 }", "environments/production/hosts/1/port: should be a whole number from 1 to 65535")]
    [InlineData("user: deploy\nhosts:\n  - { host: web1, roles: [web, cache] }", "environments/production/hosts/0/roles: unknown role 'cache' (expected one of: web, worker, db)")]
    [InlineData("user: deploy\nhosts:\n  - web1\n  - { host: db1, roles: [db] }", "environments/production/hosts/1: the host with role db must be listed first: the first host runs the migrations")]
    [InlineData("user: deploy\nhosts:\n  - { host: web1, colour: red }", "environments/production/hosts/0/colour: unknown key (expected one of: host, port, user, roles)")]
    [InlineData("user: deploy\nhosts:\n  - { port: 22 }", "environments/production/hosts/0/host: required")]
    [InlineData("hosts: [web1]", "environments/production/hosts/0: no user: give user@host, a user: in the item, or the environment's user:")]
    [InlineData("user: deploy\nhosts: [local]", "environments/production/hosts/0: local is for server: (one host on this machine); hosts: are reached over SSH")]
    [InlineData("user: deploy\nhosts: ['web 1']", "environments/production/hosts/0: 'web 1' is not a host name or address")]
    [InlineData("user: deploy\nhosts: []", "environments/production/hosts: should list at least one host")]
    [InlineData("user: deploy\nhosts: web1", "environments/production/hosts: should be a list of hosts")]
    [InlineData("user: deploy\nhosts: [a, b]\nparallel: 65", "environments/production/parallel: should be a whole number from 1 to 64")]
    [InlineData("user: deploy\nhosts: [a, b]\ncanary: maybe", "environments/production/canary: should be true or false")]
    [InlineData("server: a\nuser: deploy\nparallel: 2", "environments/production/parallel: only with hosts: (server: is one host)")]
    [InlineData("user: deploy\nhosts: [a, b]\nregistry: 'http://10.77.0.1:5000'", "environments/production/registry: should be a registry host[:port], e.g. 10.77.0.1:5000")]
    [InlineData("server: a\nuser: deploy\nregistry: 10.77.0.1:5000", "environments/production/registry: only with engine: swarm or hosts:")]
    public void Bad_hosts_are_refused_with_the_yaml_path(string environment, string expected)
    {
        Assert.Contains(expected, ErrorOf(environment), StringComparison.Ordinal);
    }
}
