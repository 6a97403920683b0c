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
