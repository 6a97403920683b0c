using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Edge;

public sealed class EdgeFilesTests
{
    private static readonly EdgeSpec Spec = new("shop-production", "/var/www/shop", "${HTTP_PORT:-8080}", 80, "/");

    [Fact]
    public void The_edge_is_named_after_the_project_and_finds_each_slot_by_its_alias()
    {
        Assert.Equal("shop-production-edge", Spec.EdgeProject);
        Assert.Equal("shop-production-edge", Spec.Network);
        Assert.Equal("shop-production-blue", Spec.ServerAddress(Slot.Blue));
        Assert.Equal("shop-production-green", Spec.ServerAddress(Slot.Green));
    }

    [Fact]
    public void Haproxy_serves_the_live_slot_and_keeps_the_other_disabled() =>
        Assert.Equal(
            """
            # Written by devops-agent; rewritten after every switch (switches themselves go through the runtime API).
            global
                log stdout format raw local0
                stats socket ipv4@127.0.0.1:9999 level admin
                stats timeout 10s

            defaults
                mode http
                log global
                option httplog
                option dontlog-normal
                option http-keep-alive
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout http-request 10s
                timeout http-keep-alive 60s
                timeout queue 10s
                timeout check 3s
                retries 1
                option redispatch 1
                retry-on conn-failure empty-response

            # Docker's embedded DNS: a slot's containers get new addresses when they are recreated.
            resolvers docker
                nameserver dns 127.0.0.11:53
                resolve_retries 2
                timeout resolve 1s
                timeout retry 1s
                hold valid 1s
                hold other 30s
                hold refused 30s
                hold nx 5s
                hold timeout 30s
                hold obsolete 5s

            frontend web
                bind :8080
                default_backend app

            backend app
                option httpchk GET /
                server blue shop-production-blue:80 resolvers docker init-addr none check inter 1s fall 3 rise 1 disabled
                server green shop-production-green:80 resolvers docker init-addr none check inter 1s fall 3 rise 1

            """,
            HaproxyConfig.Render(Spec, Slot.Green));

    [Fact]
    public void Before_any_slot_serves_both_servers_are_disabled()
    {
        var config = HaproxyConfig.Render(Spec with { EntryPort = 8000, HealthPath = "/api/health" }, live: null);
        Assert.Contains("    option httpchk GET /api/health\n", config);
        Assert.Contains("    server blue shop-production-blue:8000 resolvers docker init-addr none check inter 1s fall 3 rise 1 disabled\n", config);
        Assert.Contains("    server green shop-production-green:8000 resolvers docker init-addr none check inter 1s fall 3 rise 1 disabled\n", config);
    }

    [Fact]
    public void The_edge_compose_file_publishes_the_users_port_and_declares_the_edge_network() =>
        Assert.Equal(
            """
            # Written by devops-agent: the edge of shop-production, never recreated by a deploy.
            services:
              edge:
                image: haproxy:2.6
                restart: unless-stopped
                ports:
                  - "${HTTP_PORT:-8080}:8080"
                volumes:
                  - ./.devops-agent/edge:/usr/local/etc/haproxy:ro
                networks:
                  - edge
            networks:
              edge:
                name: shop-production-edge

            """,
            EdgeCompose.Render(Spec));

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("${HTTP_PORT}")]
    [InlineData("${HTTP_PORT:-8080}")]
    [InlineData("127.0.0.1:${HTTP_PORT-80}")]
    [InlineData("${BIND:-0.0.0.0}:${HTTP_PORT:-80}")]
    public void Published_ports_as_compose_files_write_them_are_taken(string port) =>
        Assert.Contains($"  - \"{port}:8080\"\n", EdgeCompose.Render(Spec with { PublishedPort = port }));

    [Theory]
    [InlineData("8080\"\n  evil: 1", "published port")]
    [InlineData("$(reboot)", "published port")]
    [InlineData("80:80", "published port")]
    [InlineData("", "published port")]
    public void A_published_port_that_is_not_a_host_port_is_refused(string port, string named)
    {
        var error = Assert.Throws<InvalidInputException>(() => EdgeCompose.Render(Spec with { PublishedPort = port }));
        Assert.StartsWith($"edge: {named} ", error.Message);
    }

    [Theory]
    [InlineData("Shop", "project")]
    [InlineData("shop prod", "project")]
    [InlineData("health", "health path")]
    [InlineData("/health check", "health path")]
    [InlineData("/${SECRET}", "health path")]
    [InlineData("/#", "health path")]
    public void Names_that_would_change_the_haproxy_config_are_refused(string value, string named)
    {
        var spec = named == "project" ? Spec with { Project = value } : Spec with { HealthPath = value };
        var error = Assert.Throws<InvalidInputException>(() => HaproxyConfig.Render(spec, Slot.Blue));
        Assert.StartsWith($"edge: {named} ", error.Message);
    }

    [Fact]
    public void An_entry_port_out_of_range_is_refused() =>
        Assert.Equal("edge: entry port 0 should be between 1 and 65535",
            Assert.Throws<InvalidInputException>(() => HaproxyConfig.Render(Spec with { EntryPort = 0 }, Slot.Blue)).Message);
}
