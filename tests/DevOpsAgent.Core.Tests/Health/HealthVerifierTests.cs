using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Tests.Health;

public sealed class HealthVerifierTests
{
    private static readonly ComposeCommands Compose = new(ComposeFlavor.V1, "/var/www/shop", "shop-production", ["docker-compose.prod.yml"]);
    private static readonly HealthConfig Strict = new() { FailOnLogErrors = true, Timeout = TimeSpan.FromSeconds(5), Interval = TimeSpan.FromMilliseconds(10) };

    private static RecordingCommandRunner Server(string logs) => new RecordingCommandRunner()
        .Answer("config --services", standardOutput: "db\n")
        .Answer("xargs -r docker inspect", standardOutput: "db\t/shop-production_db_1\trunning\thealthy\n")
        .Answer("logs --no-color", standardOutput: logs);

    [Fact]
    public async Task Errors_left_by_restarts_before_the_stack_was_healthy_are_warnings_even_when_logs_fail_deploys()
    {
        var runner = Server("shop-production_frontend_1  | 2020-01-01T00:00:00.000000000Z [error] connect() failed (111: Connection refused)\n");

        var report = await new HealthVerifier(runner, Compose, Strict, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var logs = Assert.Single(report.Checks, c => c.Name == "logs");
        Assert.Equal((false, false), (logs.Passed, logs.Blocking));
        Assert.Equal("1 error line(s) in the last 50 lines, none since the stack became healthy", logs.Detail);
        Assert.True(report.Healthy);
    }

    [Fact]
    public async Task Errors_written_after_the_stack_was_healthy_fail_it_when_configured()
    {
        var runner = Server("shop-production_backend_1  | 2099-01-01T00:00:00.000000000Z ERROR: payment provider unreachable\n");

        var report = await new HealthVerifier(runner, Compose, Strict, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var logs = Assert.Single(report.Checks, c => c.Name == "logs");
        Assert.Equal((false, true), (logs.Passed, logs.Blocking));
        Assert.Equal(["backend | 2099-01-01T00:00:00.000000000Z ERROR: payment provider unreachable"], logs.Evidence);
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task A_container_that_exited_for_good_fails_health_at_once_instead_of_polling_until_the_deadline()
    {
        var runner = new RecordingCommandRunner()
            .Answer("config --services", standardOutput: "backend\n")
            .Answer("xargs -r docker inspect", standardOutput: "backend\t/shop-production_backend_1\texited\tnone\tno\t1\t0\n");
        var patient = Strict with { Timeout = TimeSpan.FromMinutes(10) };

        var report = await new HealthVerifier(runner, Compose, patient, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var containers = Assert.Single(report.Checks, c => c.Name == "containers");
        Assert.Equal("backend is exited; not waiting: backend exited with code 1 and its restart policy (no) will not start it again", containers.Detail);
        Assert.Single(runner.Commands, c => c.Text.Contains("xargs -r docker inspect", StringComparison.Ordinal));
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task A_container_in_a_crash_loop_fails_health_without_waiting_for_the_deadline()
    {
        var patient = Strict with { Timeout = TimeSpan.FromMinutes(10) };
        var server = new LoopingServer();

        var report = await new HealthVerifier(server, Compose, patient, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var containers = Assert.Single(report.Checks, c => c.Name == "containers");
        Assert.EndsWith("not waiting: backend restarted 3 times while the checks ran (a crash loop)", containers.Detail, StringComparison.Ordinal);
        Assert.Equal(4, server.Inspections);
    }

    [Fact]
    public async Task A_container_whose_first_docker_probe_is_pending_passes_when_its_own_healthcheck_passes_now()
    {
        var runner = new RecordingCommandRunner()
            .Answer("config --services", standardOutput: "backend\n")
            .Answer("xargs -r docker inspect", standardOutput: "backend\t/shop-production_backend_1\trunning\tstarting\talways\t0\t0\t[\"CMD\",\"curl\",\"-fsS\",\"http://localhost:8000/health\"]\n")
            .Answer("docker exec shop-production_backend_1 curl", standardOutput: "");

        var report = await new HealthVerifier(runner, Compose, Strict with { Timeout = TimeSpan.FromMinutes(10) }, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var containers = Assert.Single(report.Checks, c => c.Name == "containers");
        Assert.Equal("1/1 services running, healthy where checked (backend); healthcheck run now for backend (Docker's first probe pending)", containers.Detail);
        Assert.True(report.Healthy);
    }

    [Fact]
    public async Task A_pending_container_whose_healthcheck_fails_now_is_waited_for()
    {
        var runner = new RecordingCommandRunner()
            .Answer("config --services", standardOutput: "backend\n")
            .Answer("xargs -r docker inspect", standardOutput: "backend\t/shop-production_backend_1\trunning\tstarting\talways\t0\t0\t[\"CMD-SHELL\",\"exit 1\"]\n")
            .Answer("docker exec shop-production_backend_1", exitCode: 1);

        var report = await new HealthVerifier(runner, Compose, Strict with { Timeout = TimeSpan.FromMilliseconds(200) }, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        Assert.Equal("backend is running (starting)", Assert.Single(report.Checks, c => c.Name == "containers").Detail);
        Assert.False(report.Healthy);
        Assert.True(runner.Commands.Count(c => c.Text.Contains("docker exec", StringComparison.Ordinal)) >= 2);
    }

    [Fact]
    public async Task A_container_docker_judged_unhealthy_that_fails_its_healthcheck_now_fails_health_without_waiting_for_the_deadline()
    {
        var runner = new RecordingCommandRunner()
            .Answer("config --services", standardOutput: "backend\n")
            .Answer("xargs -r docker inspect", standardOutput: "backend\t/shop-production_backend_1\trunning\tunhealthy\tunless-stopped\t0\t0\t[\"CMD\",\"curl\",\"-fsS\",\"http://localhost:8000/health\"]\n")
            .Answer("docker exec shop-production_backend_1 curl", exitCode: 22);

        var report = await new HealthVerifier(runner, Compose, Strict with { Timeout = TimeSpan.FromMinutes(10) }, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        var containers = Assert.Single(report.Checks, c => c.Name == "containers");
        Assert.Equal("backend is running (unhealthy); not waiting: backend is unhealthy (Docker's healthcheck failed its retries, and fails when run now)", containers.Detail);
        Assert.Single(runner.Commands, c => c.Text.Contains("xargs -r docker inspect", StringComparison.Ordinal));
        Assert.Equal("timeout 10 docker exec shop-production_backend_1 curl -fsS http://localhost:8000/health",
            Assert.Single(runner.Commands, c => c.Text.Contains("docker exec", StringComparison.Ordinal)).Text);
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task A_container_docker_judged_unhealthy_whose_healthcheck_passes_now_is_waited_for()
    {
        var runner = new RecordingCommandRunner()
            .Answer("config --services", standardOutput: "backend\n")
            .Answer("xargs -r docker inspect", standardOutput: "backend\t/shop-production_backend_1\trunning\tunhealthy\tunless-stopped\t0\t0\t[\"CMD-SHELL\",\"exit 0\"]\n")
            .Answer("docker exec shop-production_backend_1", standardOutput: "");

        var report = await new HealthVerifier(runner, Compose, Strict with { Timeout = TimeSpan.FromMilliseconds(200) }, TimeProvider.System).VerifyAsync(false, CancellationToken.None);

        Assert.Equal("backend is running (unhealthy)", Assert.Single(report.Checks, c => c.Name == "containers").Detail);
        Assert.True(runner.Commands.Count(c => c.Text.Contains("xargs -r docker inspect", StringComparison.Ordinal)) >= 2);
    }

    /// <summary>A backend whose restart count grows by one at every inspection.</summary>
    private sealed class LoopingServer : ICommandRunner
    {
        public int Inspections { get; private set; }

        public string Target => "looping";

        public Task<CommandResult> RunAsync(DevOpsAgent.Core.Shell.ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
        {
            var output = command.Text.Contains("config --services", StringComparison.Ordinal) ? "backend\n"
                : command.Text.Contains("xargs -r docker inspect", StringComparison.Ordinal) ? $"backend\t/shop-production_backend_1\trestarting\tnone\talways\t1\t{Inspections++}\n"
                : "";
            return Task.FromResult(new CommandResult(command, 0, output, "", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Secrets_a_server_prints_never_reach_the_report()
    {
        const string Canary = "canary-7f3a9c";
        var runner = Server($"shop-production_backend_1  | 2099-01-01T00:00:00.000000000Z ERROR: cannot reach postgresql://shop:{Canary}@db:5432/shop (SECRET_KEY={Canary})\n")
            .Answer("http://localhost:8080/health", standardOutput: $"{{\"status\":\"unhealthy\",\"dsn\":\"postgresql://shop:{Canary}@db/shop\"}}\n503");
        var config = Strict with { Http = [new HttpCheck("http://localhost:8080/health")] };

        var report = await new HealthVerifier(runner, Compose, config, TimeProvider.System).VerifyAsync(true, CancellationToken.None);

        Assert.DoesNotContain(Canary, report.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Checks.SelectMany(c => c.Evidence), line => line.Contains(Canary, StringComparison.Ordinal));
        Assert.Contains(report.Checks.SelectMany(c => c.Evidence), line => line.Contains("postgresql://shop:***@db:5432/shop", StringComparison.Ordinal));
    }
}
