using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Tests.Health;

public sealed class LogScannerTests
{
    private const string Logs = """
        Attaching to shop-staging_db_1, shop-staging_backend_1
        shop-staging_backend_1   | 2026-11-27T08:03:19.657814231Z ERROR:     shop: health check failed
        shop-staging_backend_1   | 2026-11-27T08:03:19.657832398Z Traceback (most recent call last):
        shop-staging_backend_1   | 2026-11-27T08:03:19.700000000Z INFO:     "GET /health HTTP/1.0" 200 OK
        shop-staging_db_1        | 2026-11-27T08:00:09.235855167Z 2026-11-27 08:00:09.235 UTC [69] FATAL:  role "root" does not exist
        shop-staging-frontend-1  | 2026-11-27T08:03:20.000000000Z 2026/11/27 08:03:20 [error] 7#7: *1 connect() failed
        shop-staging-worker-2    | 2026-11-27T08:03:21.000000000Z panic: runtime error: index out of range
        """;

    [Fact]
    public void Errors_tracebacks_fatals_panics_and_nginx_errors_are_found_with_their_service() =>
        Assert.Equal(
            ["backend", "backend", "db", "frontend", "worker"],
            LogScanner.FindErrors(Logs, "shop-staging").Select(f => f.Service));

    [Fact]
    public void Only_lines_written_since_the_deploy_started_count() =>
        Assert.Equal(
            ["backend", "backend", "frontend", "worker"],
            LogScanner.FindErrors(Logs, "shop-staging", DateTimeOffset.Parse("2026-11-27T08:01:00Z", System.Globalization.CultureInfo.InvariantCulture)).Select(f => f.Service));

    [Fact]
    public void The_tail_of_one_service_is_its_last_lines() =>
        Assert.Equal(
            ["2026-11-27T08:03:19.657832398Z Traceback (most recent call last):", "2026-11-27T08:03:19.700000000Z INFO:     \"GET /health HTTP/1.0\" 200 OK"],
            LogScanner.Tail(Logs, "shop-staging", "backend", 2).Select(f => f.Line));

    [Theory]
    [InlineData("{\"status\":\"healthy\"}\n200", 200, "{\"status\":\"healthy\"}")]
    [InlineData("curl: (7) Failed to connect\n000", 0, "curl: (7) Failed to connect")]
    [InlineData("<html>\n<body>x</body>\n</html>\n404\n", 404, "<html>\n<body>x</body>\n</html>")]
    public void An_http_probe_answer_splits_into_status_and_body(string output, int status, string body) =>
        Assert.Equal((status, body), HealthCommands.ParseProbe(output));

    [Fact]
    public void Swarm_service_logs_read_like_compose_logs_replicated_and_global_tasks_alike()
    {
        const string swarm = "2026-12-04T21:57:24.789510994Z shop_backend.1@dahost3    | ERROR: boom\n"
            + "2026-12-04T21:57:25.000000000Z shop_edge.k3j4h5l6m7n8@dahost2    | [error] upstream timed out\n"
            + "error from daemon in stream: Error grabbing logs\n";

        var compose = LogScanner.FromSwarm(swarm);

        Assert.Equal("shop_backend | 2026-12-04T21:57:24.789510994Z ERROR: boom\n"
            + "shop_edge | 2026-12-04T21:57:25.000000000Z [error] upstream timed out\n"
            + "error from daemon in stream: Error grabbing logs\n", compose);
        Assert.Equal(
            [new LogFinding("backend", "2026-12-04T21:57:24.789510994Z ERROR: boom", new DateTimeOffset(2026, 12, 4, 21, 57, 24, TimeSpan.Zero).AddTicks(7895109)),
             new LogFinding("edge", "2026-12-04T21:57:25.000000000Z [error] upstream timed out", new DateTimeOffset(2026, 12, 4, 21, 57, 25, TimeSpan.Zero))],
            LogScanner.FindErrors(compose, "shop"));
    }
}
