using System.Diagnostics;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Shell;

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

    [Fact]
    public void The_switch_lines_ready_before_they_drain_and_name_servers_in_the_app_backend()
    {
        Assert.Equal("set server app/green state ready; disable health app/green; set server app/blue state drain", EdgeCommands.ReadyLine(Slot.Green, Slot.Blue));
        Assert.Equal("set server app/blue state ready; disable health app/blue", EdgeCommands.ReadyLine(Slot.Blue, null));
        Assert.Equal("set server app/blue state maint", EdgeCommands.MaintenanceLine(Slot.Blue));
    }

    [Fact]
    public void The_switch_is_one_docker_exec_of_its_script_with_haproxy_cfg_renamed_into_place_once_it_is_live()
    {
        var config = ShellQuoting.Quote(HaproxyConfig.Render(V1.Spec, Slot.Green));
        var script = ShellQuoting.Quote(EdgeSwitchScript.Text);
        const string File = "/var/www/shop/.devops-agent/edge/haproxy.cfg";

        Assert.Equal(
            $"id=$({FindEdge}); if [ -z \"$id\" ]; then echo 'no running edge container (compose project shop-production-edge)' >&2; false; "
            + $"else printf '%s' {config} > {File}.tmp && "
            + $"{{ {{ docker exec \"$id\" bash -c {script} _ green blue 2500000 "
            + "'set server app/green state ready; disable health app/green; set server app/blue state drain' 'set server app/blue state maint'; "
            + "echo \"switch: exit $?\"; } | while IFS= read -r line; do "
            + $"if [ \"$line\" = 'switch: live' ]; then mv -f {File}.tmp {File} || echo 'switch: config not written'; fi; "
            + $"printf '%s\\n' \"$line\"; done; rm -f {File}.tmp; }}; fi",
            V1.Switch(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(2.5)).Text);
    }

    [Fact]
    public void A_first_switch_has_no_slot_to_drain() =>
        Assert.Contains(" _ blue '' 30000000 'set server app/blue state ready; disable health app/blue' ''; echo", V1.Switch(Slot.Blue, null, TimeSpan.FromSeconds(30)).Text);

    [Theory]
    [InlineData("echo 'switch: live'; echo 'switch: drained 5'; echo 'switch: done'", "switch: live\nswitch: drained 5\nswitch: done\nswitch: exit 0\n", "green")]
    [InlineData("echo 'switch: refused'", "switch: refused\nswitch: exit 0\n", "blue")]
    [InlineData("echo 'bash: connect: Connection refused' >&2; return 1", "switch: exit 1\n", "blue")]
    public async Task The_host_side_of_the_switch_renames_the_config_only_once_the_script_says_live_and_echoes_its_exit_code(
        string script, string standardOutput, string configServes)
    {
        using var folder = new TemporaryFolder();
        var edge = new EdgeCommands(ComposeFlavor.V1, new EdgeSpec("shop-production", folder.Path, "8080", 80, "/"));
        Directory.CreateDirectory(Path.GetDirectoryName(edge.ConfigFile)!);
        await File.WriteAllTextAsync(edge.ConfigFile, HaproxyConfig.Render(edge.Spec, Slot.Blue));
        // docker stands in for the CLI: ps finds the edge, exec plays the script's part.
        var docker = $"docker() {{ case $1 in ps) echo edge1 ;; exec) {script} ;; esac; }}\n";

        var start = new ProcessStartInfo("/bin/bash", ["-c", docker + edge.Switch(Slot.Green, Slot.Blue, TimeSpan.FromSeconds(1)).Text])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal((0, standardOutput), (process.ExitCode, await stdout));
        Assert.Equal(HaproxyConfig.Render(edge.Spec, configServes == "green" ? Slot.Green : Slot.Blue), await File.ReadAllTextAsync(edge.ConfigFile));
        Assert.False(File.Exists(edge.ConfigFile + ".tmp"));
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edge-switch-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
