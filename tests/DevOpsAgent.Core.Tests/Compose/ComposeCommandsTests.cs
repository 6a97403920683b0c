using System.Diagnostics;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Tests.Compose;

public sealed class ComposeCommandsTests
{
    private static readonly ComposeCommands V1 = new(ComposeFlavor.V1, "/var/www/shop", "shop-staging", ["docker-compose.prod.yml"]);
    private static readonly ComposeCommands V2 = V1 with { Flavor = ComposeFlavor.V2, Files = ["docker-compose.yml", "docker-compose.prod.yml"] };

    [Fact]
    public void Up_with_compose_v1() =>
        Assert.Equal("cd /var/www/shop && flock . docker-compose -p shop-staging -f docker-compose.prod.yml up -d --remove-orphans", V1.Up().Text);

    [Fact]
    public void Up_with_compose_v2_and_two_files() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-staging -f docker-compose.yml -f docker-compose.prod.yml up -d --remove-orphans",
            V2.Up().Text);

    [Fact]
    public void Build_runs_before_anything_is_touched() =>
        Assert.Equal("cd /var/www/shop && flock . docker-compose -p shop-staging -f docker-compose.prod.yml build", V1.Build().Text);

    [Fact]
    public void Migrations_run_in_a_one_off_container() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker-compose -p shop-staging -f docker-compose.prod.yml run --rm -T --no-deps backend alembic upgrade head",
            V1.Run("backend", "alembic", "upgrade", "head").Text);

    [Fact]
    public void Logs_of_one_service() =>
        Assert.Equal(
            "cd /var/www/shop && docker-compose -p shop-staging -f docker-compose.prod.yml logs --no-color --timestamps --tail=50 backend",
            V1.Logs(50, "backend").Text);

    [Fact]
    public void Container_states_come_from_docker_inspect() =>
        Assert.Equal(
            "cd /var/www/shop && docker-compose -p shop-staging -f docker-compose.prod.yml ps -q | xargs -r docker inspect --format "
            + "'{{index .Config.Labels \"com.docker.compose.service\"}}\t{{.Name}}\t{{.State.Status}}\t{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}"
            + "\t{{.HostConfig.RestartPolicy.Name}}\t{{.State.ExitCode}}\t{{.RestartCount}}\t{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}'",
            ContainerState.Inspect(V1).Text);

    [Fact]
    public void A_containers_healthcheck_is_parsed_and_run_now_the_way_docker_runs_it()
    {
        var states = ContainerState.ParseAll(
            "db\t/shop-staging_db_1\trunning\tstarting\talways\t0\t0\t[\"CMD-SHELL\",\"pg_isready -U \\\"${POSTGRES_USER}\\\"\"]\n"
            + "backend\t/shop-staging_backend_1\trunning\tstarting\talways\t0\t0\t[\"CMD\",\"curl\",\"-fsS\",\"http://localhost:8000/health\"]\n"
            + "frontend\t/shop-staging_frontend_1\trunning\thealthy\talways\t0\t0\t[\"CMD\",\"true\"]\n"
            + "worker\t/shop-staging_worker_1\trunning\tnone\talways\t0\t0\t\n");

        Assert.Equal([true, true, false, false], states.Select(s => s.AwaitsFirstProbe));
        Assert.Equal(
            "timeout 10 docker exec shop-staging_db_1 /bin/sh -c 'pg_isready -U \"${POSTGRES_USER}\"'",
            HealthCommands.ProbeNow(states[0]).Text);
        Assert.Equal("timeout 10 docker exec shop-staging_backend_1 curl -fsS http://localhost:8000/health", HealthCommands.ProbeNow(states[1]).Text);
        Assert.Empty(states[3].HealthTest);
        Assert.Throws<ArgumentException>(() => HealthCommands.ProbeNow(states[3]));
    }

    [Fact]
    public void Container_states_are_parsed_with_their_health()
    {
        var states = ContainerState.ParseAll("db\t/shop-staging_db_1\trunning\thealthy\nbackend\t/shop-staging_backend_1\trunning\tstarting\nworker\t/w\texited\tnone\n");
        Assert.Equal(
            [
                new ContainerState("db", "shop-staging_db_1", "running", "healthy"),
                new ContainerState("backend", "shop-staging_backend_1", "running", "starting"),
                new ContainerState("worker", "w", "exited", "none"),
            ],
            states);
        Assert.Equal([true, false, false], states.Select(s => s.IsReady));
    }

    [Fact]
    public void Detection_asks_the_docker_plugin_its_version_and_only_looks_for_docker_compose_on_the_path() =>
        Assert.Equal(
            "if docker compose version >/dev/null 2>&1; then echo v2; elif command -v docker-compose >/dev/null 2>&1; then echo v1; "
            + "else echo 'neither docker compose (v2) nor docker-compose (v1) is installed' >&2; exit 127; fi",
            ComposeDetection.Detect().Text);

    [Theory]
    [InlineData("docker() { [ \"$1 $2\" = 'compose version' ]; }", 0, "v2\n", "")]
    // docker-compose (Python) is never started: a broken one would fail here with a misleading "neither is installed".
    [InlineData("docker() { return 1; }\ndocker-compose() { echo started >&2; return 1; }", 0, "v1\n", "")]
    [InlineData("docker() { return 1; }", 127, "", "neither docker compose (v2) nor docker-compose (v1) is installed\n")]
    public async Task Detection_on_a_server_with_v2_v1_or_neither(string server, int exitCode, string standardOutput, string standardError)
    {
        // bash with an empty PATH: nothing is found but the functions standing in for the programs.
        var start = new ProcessStartInfo("/bin/bash", ["-c", server + "\n" + ComposeDetection.Detect().Text])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PATH"] = "/nonexistent" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal((exitCode, standardOutput, standardError), (process.ExitCode, await stdout, await stderr));
    }

    [Fact]
    public void Detection_output_names_the_flavor()
    {
        Assert.Equal(ComposeFlavor.V1, ComposeDetection.Parse("v1\n"));
        Assert.Equal(ComposeFlavor.V2, ComposeDetection.Parse("v2"));
    }
}
