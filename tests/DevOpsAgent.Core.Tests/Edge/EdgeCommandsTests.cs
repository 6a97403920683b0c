using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Edge;

namespace DevOpsAgent.Core.Tests.Edge;

public sealed class EdgeCommandsTests
{
    private static readonly EdgeCommands V1 = new(ComposeFlavor.V1, new EdgeSpec("shop-production", "/var/www/shop", "8080", 80, "/"));
    private static readonly EdgeCommands V2 = V1 with { Flavor = ComposeFlavor.V2 };

    private const string FindEdge =
        "docker ps -q --filter label=com.docker.compose.project=shop-production-edge --filter label=com.docker.compose.service=edge | head -n 1";

    [Fact]
    public void Up_with_compose_v1_never_recreates_a_running_edge() =>
        Assert.Equal(
            "cd /var/www/shop && flock .devops-agent/edge docker-compose -p shop-production-edge -f .devops-agent/edge/compose.yml "
            + "--project-directory /var/www/shop up -d --no-recreate",
            V1.Up().Text);

    [Fact]
    public void Up_with_compose_v2() =>
        Assert.Equal(
            "cd /var/www/shop && flock .devops-agent/edge docker compose -p shop-production-edge -f .devops-agent/edge/compose.yml "
            + "--project-directory /var/www/shop up -d --no-recreate",
            V2.Up().Text);

    [Fact]
    public void The_edge_container_is_found_by_its_compose_labels() => Assert.Equal(FindEdge, V1.ContainerId().Text);

    [Fact]
    public void Runtime_commands_go_through_bash_dev_tcp_inside_the_edge() =>
        Assert.Equal(
            $"id=$({FindEdge}); if [ -z \"$id\" ]; then echo 'no running edge container (compose project shop-production-edge)' >&2; false; "
            + "else docker exec \"$id\" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9999 && printf \"%s\\n\" \"$1\" >&3 && timeout 5 cat <&3' _ "
            + "'set server app/green state ready; set server app/blue state drain'; fi",
            V1.Runtime("set server app/green state ready; set server app/blue state drain").Text);

    [Fact]
    public void Show_servers_asks_for_the_app_backends_servers() =>
        Assert.EndsWith(" _ 'show stat app 4 -1'; fi", V1.ShowServers().Text);

    [Fact]
    public void A_runtime_command_is_one_line() =>
        Assert.Throws<ArgumentException>(() => V1.Runtime("show stat\nshutdown sessions server app/blue"));

    [Fact]
    public void Files_are_written_through_a_temporary_file_and_a_rename()
    {
        var text = V1.WriteFiles(Slot.Blue).Text;
        Assert.StartsWith("mkdir -p /var/www/shop/.devops-agent/edge && printf '%s' '# Written by devops-agent;", text);
        Assert.Contains("' > /var/www/shop/.devops-agent/edge/haproxy.cfg.tmp && mv -f /var/www/shop/.devops-agent/edge/haproxy.cfg.tmp /var/www/shop/.devops-agent/edge/haproxy.cfg && printf '%s' ", text);
        Assert.EndsWith("' > /var/www/shop/.devops-agent/edge/compose.yml.tmp && mv -f /var/www/shop/.devops-agent/edge/compose.yml.tmp /var/www/shop/.devops-agent/edge/compose.yml", text);
        Assert.Contains("fall 3 rise 1\n    server green shop-production-green:80 resolvers docker init-addr none check inter 1s fall 3 rise 1 disabled\n", text);
    }

    [Fact]
    public void After_a_switch_only_haproxy_cfg_is_rewritten()
    {
        var text = V1.WriteConfig(Slot.Green).Text;
        Assert.StartsWith("printf '%s' '# Written by devops-agent;", text);
        Assert.EndsWith("' > /var/www/shop/.devops-agent/edge/haproxy.cfg.tmp && mv -f /var/www/shop/.devops-agent/edge/haproxy.cfg.tmp /var/www/shop/.devops-agent/edge/haproxy.cfg", text);
        Assert.DoesNotContain("compose.yml", text);
    }
}
