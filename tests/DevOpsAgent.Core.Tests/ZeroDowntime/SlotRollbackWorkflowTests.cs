using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.ZeroDowntime;

/// <summary>
/// `rollback` of a zero-downtime environment to the release the other slot still holds, stopped and kept, against
/// the recording backend: which steps run, and that none of them asks compose what Docker can say by labels.
/// </summary>
public sealed class SlotRollbackWorkflowTests
{
    private const string Newer = "1111111111111111111111111111111111111111";
    private const string Older = "2222222222222222222222222222222222222222";

    private static readonly EnvironmentConfig Staging = new()
    {
        Name = "staging",
        Server = "staging.example.com",
        User = "deploy",
        Path = "/var/www/shop",
        DefaultRef = GitRef.Parse("staging"),
        ComposeProject = "shop-staging",
        ComposeFiles = ["docker-compose.prod.yml"],
        ZeroDowntime = new ZeroDowntimeConfig { DrainTimeout = TimeSpan.FromSeconds(1) },
        Health = new HealthConfig
        {
            Timeout = TimeSpan.FromMilliseconds(300),
            Interval = TimeSpan.FromMilliseconds(10),
            Http = [new HttpCheck("http://localhost:8080/health") { ExpectedJson = new Dictionary<string, string> { ["status"] = "healthy" } }],
            Frontend = "http://localhost:8080/",
            DatabaseService = "db",
        },
    };

    private static readonly AgentConfig Config = new()
    {
        Project = "shop",
        Repository = "/srv/git/shop.git",
        ComposeFiles = ["docker-compose.prod.yml"],
        Migrations = new DevOpsAgent.Core.Migrations.MigrationsConfig { Service = "backend", DatabaseService = "db" },
        Environments = new Dictionary<string, EnvironmentConfig> { ["staging"] = Staging },
    };

    private static readonly string Compose = File.ReadAllText(Path.Combine(RepoFiles.Root, "examples", "fullstack", "docker-compose.prod.yml"));

    private static string Release(string commit, string version, string revision, string slot) =>
        $"{{\"environment\":\"staging\",\"ref\":\"{version}\",\"commit\":\"{commit}\",\"version\":\"{version}\",\"deployed_at\":\"2026-12-01T10:00:00+00:00\","
        + $"\"deployed_by\":\"alice\",\"deploy_id\":\"d-{version}\",\"revision\":\"{revision}\",\"slot\":\"{slot}\"}}";

    /// <summary>
    /// Blue serves v1.1.0, recorded at <paramref name="servingRevision"/>; green holds v1.0.0 (0001), stopped and kept.
    /// The database is at <paramref name="databaseAt"/> until alembic downgrades it.
    /// </summary>
    private static RecordingCommandRunner Server(string servingRevision = "0002", string databaseAt = "0002")
    {
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22");
        bool Downgraded() => runner.Commands.Any(c => c.Text.Contains("alembic downgrade", StringComparison.Ordinal));
        return runner
            .Answer("docker compose version", standardOutput: "v1\n")
            .Answer("if mkdir", standardOutput: "acquired\n")
            .Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput: Release(Newer, "v1.1.0", servingRevision, "blue") + "\n")
            .Answer("cat /var/www/shop/.devops-agent/releases.jsonl", standardOutput: Release(Older, "v1.0.0", "0001", "green") + "\n" + Release(Newer, "v1.1.0", servingRevision, "blue") + "\n")
            .Answer(t => t.EndsWith("cat docker-compose.prod.yml", StringComparison.Ordinal), standardOutput: Compose)
            .Answer($"label=devops-agent.commit={Older}", standardOutput: "2 2\n")
            .Answer("project=shop-staging-green --filter label=com.docker.compose.service=frontend --filter label=com.docker.compose.oneoff=False | wc -l)", standardOutput: "0 2\n")
            .Answer("project=shop-staging-blue --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False | wc -l)", standardOutput: "1 1\n")
            // Alembic's lines, then (when the downgrade and the read after it run in one container) the read's answer.
            .Answer("alembic downgrade", standardOutput: (databaseAt == "0001" ? "" : $"INFO  [alembic.runtime.migration] Running downgrade {databaseAt} -> 0001, add items.description\n")
                + "==> devops-agent: next alembic command <==\n0001\n")
            .Answer(t => t.Contains("alembic current", StringComparison.Ordinal) && !Downgraded(), standardOutput: databaseAt + " (head)\n")
            .Answer("alembic current", standardOutput: "0001\n")
            .Answer("xargs -r docker inspect --format", standardOutput: "backend\t/shop-staging-green_backend_1\trunning\thealthy\nfrontend\t/shop-staging-green_frontend_1\trunning\thealthy\n")
            .Answer("docker inspect -f '{{with index .NetworkSettings.Networks \"shop-staging-edge\"}}", standardOutput: "172.28.0.9\n")
            .Answer("http://172.28.0.9:80/health", standardOutput: "{\"status\":\"healthy\"}\n200")
            .Answer("http://172.28.0.9:80/", standardOutput: "<html></html>\n200")
            .Answer("http://localhost:8080/health", standardOutput: "{\"status\":\"healthy\"}\n200")
            .Answer("http://localhost:8080/", standardOutput: "<html></html>\n200")
            .Answer(t => t.StartsWith("docker ps -q --filter label=com.docker.compose.project=shop-staging-edge", StringComparison.Ordinal), standardOutput: "edge123\n")
            // The switch in one call into the edge: what its script prints there (blue drained in 0.4 s).
            .Answer(DevOpsAgent.Core.Edge.EdgeSwitchScript.Live, standardOutput: "switch: live\nswitch: drained 400000\nswitch: done\nswitch: exit 0\n")
            .Answer("show stat app 4 -1", standardOutput: Edge.EdgeStatTests.Fixture("stat-blue-up-green-drained.csv"));
    }

    private static Task<DeployResult> RollbackAsync(RecordingCommandRunner runner) =>
        new RollbackOperation(Config, runner, new MemoryHistory(), SilentObserver.Instance, TimeProvider.System)
            .RollbackAsync(Staging, "v1.0.0", "alice@laptop", null, TimeSpan.FromMinutes(10), CancellationToken.None);

    [Fact]
    public async Task A_rollback_to_the_stopped_kept_slot_starts_it_with_docker_checks_it_by_labels_switches_then_downgrades_in_the_newer_slot()
    {
        var runner = Server();

        var result = await RollbackAsync(runner);

        Assert.True(result.ExitCode == 0, result.Record.Error);
        Assert.Equal(["lock", "detect compose", "slots", "rollback: slot", "rollback: verify slot", "rollback: switch", "rollback: database",
            "rollback: stop previous slot", "rollback: health", "record release"], result.Record.Steps.Select(s => s.Name));
        Assert.Equal("green still holds v1.0.0: started as it was kept", result.Record.Steps.Single(s => s.Name == "rollback: slot").Detail);
        Assert.Equal("0002 → 0001 (with blue's migrations)", result.Record.Steps.Single(s => s.Name == "rollback: database").Detail);
        var texts = runner.Commands.Select(c => c.Text).ToList();
        int IndexOf(string fragment) => texts.FindIndex(t => t.Contains(fragment, StringComparison.Ordinal));

        // Compose is asked nothing Docker can answer: only the background stop of blue goes through it.
        Assert.Equal(["nohup sh -c 'cd /var/www/shop && flock . docker-compose -p shop-staging-blue -f .devops-agent-blue.yml stop' </dev/null >/dev/null 2>&1 &"],
            texts.Where(t => t.Contains("docker-compose -p", StringComparison.Ordinal)));
        Assert.True(IndexOf("docker start") < IndexOf("http://172.28.0.9:80/health"));
        Assert.Contains(texts, t => t.StartsWith("(id=$(docker ps -q --filter label=com.docker.compose.project=shop-staging-data --filter label=com.docker.compose.service=db", StringComparison.Ordinal)
            && t.EndsWith("docker exec \"$id\" sh -c 'pg_isready -U \"${POSTGRES_USER:-postgres}\"')", StringComparison.Ordinal));

        // The switch comes before the downgrade, which runs in blue's running backend straight away (the recorded
        // revisions differ) and is proven by a read after it.
        var downgrade = IndexOf("alembic downgrade 0001");
        var switchCall = IndexOf("set server app/green state ready; disable health app/green; set server app/blue state drain");
        Assert.True(switchCall < downgrade);
        // The switch step asks the edge twice: one read (the edge runs, green is checked up), then the switch itself.
        var verified = texts.FindLastIndex(switchCall, t => t.Contains("http://172.28.0.9:80/", StringComparison.Ordinal));
        Assert.Equal(["show stat app 4 -1", "switch"], texts.Skip(verified + 1).Take(switchCall - verified)
            .Where(t => t.Contains("project=shop-staging-edge", StringComparison.Ordinal))
            .Select(t => t.Contains(DevOpsAgent.Core.Edge.EdgeSwitchScript.Live, StringComparison.Ordinal) ? "switch" : t[(t.LastIndexOf(" _ '", StringComparison.Ordinal) + 4)..t.LastIndexOf('\'')]));
        Assert.Equal("green live; blue drained in 0.4s", result.Record.Steps.Single(s => s.Name == "rollback: switch").Detail);
        Assert.Contains("project=shop-staging-blue --filter label=com.docker.compose.service=backend", texts[downgrade], StringComparison.Ordinal);
        Assert.DoesNotContain(texts.Take(downgrade), t => t.Contains("alembic current", StringComparison.Ordinal));
        Assert.Single(texts, t => t.Contains("alembic current", StringComparison.Ordinal));
        Assert.True(downgrade < IndexOf("http://localhost:8080/health"));
    }

    [Fact]
    public async Task When_both_releases_are_recorded_at_the_same_revision_the_database_is_only_read_and_not_downgraded()
    {
        var runner = Server(servingRevision: "0001", databaseAt: "0001");

        var result = await RollbackAsync(runner);

        Assert.True(result.ExitCode == 0, result.Record.Error);
        Assert.Equal("already at 0001", result.Record.Steps.Single(s => s.Name == "rollback: database").Detail);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("alembic downgrade", StringComparison.Ordinal));
        Assert.Single(runner.Commands, c => c.Text.Contains("alembic current", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_found_at_the_target_though_recorded_elsewhere_is_left_there_and_said_so()
    {
        var runner = Server(servingRevision: "0002", databaseAt: "0001");

        var result = await RollbackAsync(runner);

        Assert.True(result.ExitCode == 0, result.Record.Error);
        Assert.Equal("already at 0001 (recorded 0002)", result.Record.Steps.Single(s => s.Name == "rollback: database").Detail);
    }

    [Fact]
    public void The_revision_a_downgrade_started_from_is_read_from_alembics_log() =>
        Assert.Equal(("0003", (string?)null), (
            DevOpsAgent.Core.Migrations.AlembicOutput.DowngradedFrom([
                "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
                "INFO  [alembic.runtime.migration] Running downgrade 0003 -> 0002, add audit",
                "INFO  [alembic.runtime.migration] Running downgrade 0002 -> 0001, add items.description"]),
            DevOpsAgent.Core.Migrations.AlembicOutput.DowngradedFrom(["INFO  [alembic.runtime.migration] Will assume transactional DDL."])));
}
