using System.Diagnostics;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Tests.Compose;

/// <summary>
/// A generated project (a zero-downtime slot or data project) is read with the Docker CLI by compose's labels, not
/// with compose: the exact command lines, and the shell they make run against a stand-in <c>docker</c>.
/// </summary>
public sealed class LabelQueryCommandsTests
{
    private static readonly ComposeCommands Slot = new ComposeCommands(ComposeFlavor.V1, "/var/www/shop", "shop-blue", [".devops-agent-blue.yml"]) { QueriedByLabel = true };

    [Fact]
    public void Container_ids_of_a_generated_project_come_from_docker_ps_by_its_labels()
    {
        Assert.Equal("docker ps -aq --filter label=com.docker.compose.project=shop-blue --filter label=com.docker.compose.oneoff=False", Slot.ContainerIds().Text);
        Assert.Equal(
            "docker ps -aq --filter label=com.docker.compose.project=shop-blue --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False",
            Slot.ContainerIdsOf("backend").Text);
        Assert.Equal(
            "docker ps -aq --filter label=com.docker.compose.project=shop-blue --filter label=com.docker.compose.oneoff=False | xargs -r docker inspect --format "
            + ShellQuote(ContainerState.Format),
            ContainerState.Inspect(Slot).Text);
    }

    [Fact]
    public void Exec_in_a_generated_project_is_docker_exec_in_the_services_running_container()
    {
        Assert.Equal(
            "(id=$(docker ps -q --filter label=com.docker.compose.project=shop-blue --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False | head -n1); "
            + "[ -n \"$id\" ] || { echo 'service backend of shop-blue is not running' >&2; exit 1; }; docker exec \"$id\" alembic downgrade 0001)",
            Slot.Exec("backend", "alembic", "downgrade", "0001").Text);
    }

    [Fact]
    public void Logs_of_a_generated_project_are_read_container_by_container_with_compose_like_prefixes()
    {
        Assert.Equal(
            "for id in $(docker ps -aq --filter label=com.docker.compose.project=shop-blue --filter label=com.docker.compose.oneoff=False); do "
            + "name=$(docker inspect --format '{{.Name}}' \"$id\"); docker logs --timestamps --tail=50 \"$id\" 2>&1 | awk -v name=\"${name#/}\" '{ print name \" | \" $0 }'; done",
            Slot.Logs(50).Text);
        // Following is what `devops-agent logs` does, through compose.
        Assert.StartsWith("cd /var/www/shop && docker-compose -p shop-blue", Slot.Logs(50, follow: true).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_the_agent_did_not_generate_is_still_read_through_compose()
    {
        var user = Slot with { QueriedByLabel = false };

        Assert.Equal("cd /var/www/shop && docker-compose -p shop-blue -f .devops-agent-blue.yml ps -q", user.ContainerIds().Text);
        Assert.Equal("cd /var/www/shop && docker-compose -p shop-blue -f .devops-agent-blue.yml exec -T backend alembic current", user.Exec("backend", "alembic", "current").Text);
    }

    [Fact]
    public void The_logs_shell_gives_lines_the_log_scanner_reads_as_composes()
    {
        var output = RunWithFakeDocker(Slot.Logs(50).Text);

        var lines = LogScanner.Lines(output.StandardOutput, "shop-blue").ToList();
        Assert.Equal(["backend", "frontend"], lines.Select(l => l.Service).Distinct());
        var error = Assert.Single(LogScanner.FindErrors(output.StandardOutput, "shop-blue"));
        Assert.Equal(("backend", new DateTimeOffset(2026, 12, 4, 18, 0, 1, TimeSpan.Zero)), (error.Service, error.At!.Value));
    }

    [Fact]
    public void The_exec_shell_runs_in_the_running_container_and_fails_with_a_reason_when_there_is_none()
    {
        var ran = RunWithFakeDocker(Slot.Exec("backend", "sh", "-c", "echo 'it works'").Text);
        Assert.Equal((0, "exec c1 sh -c echo 'it works'\n"), (ran.ExitCode, ran.StandardOutput));

        var none = RunWithFakeDocker(Slot.Exec("backend", "true").Text, running: "");
        Assert.Equal((1, "service backend of shop-blue is not running\n"), (none.ExitCode, none.StandardError));
    }

    private static string ShellQuote(string text) => DevOpsAgent.Core.Shell.ShellQuoting.Quote(text);

    /// <summary>Runs <paramref name="script"/> with <c>sh</c>, <c>docker</c> a shell function standing in for the CLI.</summary>
    private static (int ExitCode, string StandardOutput, string StandardError) RunWithFakeDocker(string script, string running = "c1\nc2")
    {
        var docker = $$"""
            docker() {
              case "$1" in
                ps) printf '%s\n' "{{running}}" | sed '/^$/d' ;;
                inspect) if [ "$4" = c1 ]; then echo /shop-blue_backend_1; else echo /shop-blue_frontend_1; fi ;;
                logs) echo "2026-12-04T18:00:00.000000000Z started $4"; if [ "$4" = c1 ]; then echo "2026-12-04T18:00:01.000000000Z ERROR: it broke" >&2; fi ;;
                exec) shift; echo "exec $*" ;;
              esac
            }

            """;
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", docker + script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
