using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.ZeroDowntime;

/// <summary>The zero-downtime deploy against the recording backend: which steps run in which order, and what the edge is told.</summary>
public sealed class SlotDeployWorkflowTests
{
    private const string Commit = "1111111111111111111111111111111111111111";
    private const string Previous = "2222222222222222222222222222222222222222";

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
        },
    };

    private static readonly AgentConfig Config = new()
    {
        Project = "shop",
        Repository = "/srv/git/shop.git",
        ComposeFiles = ["docker-compose.prod.yml"],
        Environments = new Dictionary<string, EnvironmentConfig> { ["staging"] = Staging },
    };

    private static readonly string Compose = File.ReadAllText(Path.Combine(RepoFiles.Root, "examples", "fullstack", "docker-compose.prod.yml"));

    /// <summary>Real <c>show stat</c>: blue up, green checked up (drain).</summary>
    private static readonly string Stat = Edge.EdgeStatTests.Fixture("stat-blue-up-green-drained.csv");

    private readonly MemoryHistory _history = new();

    /// <summary>Blue serves v-previous; the edge runs and its check sees both slots up (green once started).</summary>
    private static RecordingCommandRunner Server(string greenHealth = "{\"status\":\"healthy\"}\n200") => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("docker compose version", standardOutput: "v1\n")
        .Answer("if mkdir", standardOutput: "acquired\n")
        .Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput:
            $"{{\"environment\":\"staging\",\"ref\":\"staging\",\"commit\":\"{Previous}\",\"version\":\"v1.0.0\",\"deployed_at\":\"2026-12-01T10:00:00+00:00\",\"deployed_by\":\"alice\",\"deploy_id\":\"d1\",\"slot\":\"blue\"}}\n")
        .Answer("rev-parse --verify --quiet 'refs/remotes/origin/staging", standardOutput: Commit + "\n")
        .Answer("describe --tags", standardOutput: "v1.1.0\n")
        .Answer(t => t.EndsWith("cat docker-compose.prod.yml", StringComparison.Ordinal), standardOutput: Compose)
        .Answer("config --services", standardOutput: "backend\nfrontend\n")
        .Answer("xargs -r docker inspect --format", standardOutput: "backend\t/shop-staging-green_backend_1\trunning\thealthy\nfrontend\t/shop-staging-green_frontend_1\trunning\thealthy\n")
        .Answer("docker inspect -f '{{with index .NetworkSettings.Networks \"shop-staging-edge\"}}", standardOutput: "172.28.0.9\n")
        .Answer("http://172.28.0.9:80/health", standardOutput: greenHealth)
        .Answer("http://172.28.0.9:80/", standardOutput: "<html></html>\n200")
        .Answer("http://localhost:8080/health", standardOutput: "{\"status\":\"healthy\"}\n200")
        .Answer("http://localhost:8080/", standardOutput: "<html></html>\n200")
        .Answer(t => t.StartsWith("docker ps -q --filter label=com.docker.compose.project=shop-staging-edge", StringComparison.Ordinal), standardOutput: "edge123\n")
        // The switch in one call into the edge: what its script prints there (blue drained in 0.4 s).
        .Answer(DevOpsAgent.Core.Edge.EdgeSwitchScript.Live, standardOutput: "switch: live\nswitch: drained 400000\nswitch: done\nswitch: exit 0\n")
        .Answer("show stat app 4 -1", standardOutput: Stat);

    private Task<DeployResult> DeployAsync(RecordingCommandRunner runner) =>
        new DeployWorker(Config, runner, _history, SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(Staging, GitRef.Parse("staging"), "alice@laptop"), CancellationToken.None);

    [Fact]
    public async Task The_release_is_built_and_started_in_the_idle_slot_verified_through_its_address_then_switched_and_the_old_slot_kept()
    {
        var runner = Server();

        var result = await DeployAsync(runner);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Record.Error);
        Assert.Equal(["lock", "detect compose", "fetch", "resolve", "checkout", "slots", "data", "edge network", "build", "keep images",
            "data", "edge", "start slot", "verify slot", "switch", "health", "keep previous slot", "record release"], result.Record.Steps.Select(s => s.Name));
        var texts = runner.Commands.Select(c => c.Text).ToList();
        int IndexOf(string fragment) => texts.FindIndex(t => t.Contains(fragment, StringComparison.Ordinal));

        // Built and started as green from the generated file; blue is only stopped at the end, and kept.
        Assert.Contains("flock . docker-compose -p shop-staging-green -f .devops-agent-green.yml build", texts[IndexOf(".yml build")], StringComparison.Ordinal);
        // Created by compose, then started dependencies first by calls that wait on nothing: no wait on Docker's first probe before the slot's own health check.
        Assert.Contains("docker-compose -p shop-staging-green -f .devops-agent-green.yml up --no-start --remove-orphans", texts[IndexOf(".yml up --no-start --remove-orphans")], StringComparison.Ordinal);
        Assert.Equal(-1, IndexOf(".yml up -d --remove-orphans"));
        Assert.True(IndexOf("up -d --no-deps --no-recreate") > IndexOf(".yml up --no-start --remove-orphans"));
        Assert.Contains("docker-compose -p shop-staging-data -f .devops-agent-data.yml up -d --no-recreate", texts[IndexOf("--no-recreate")], StringComparison.Ordinal);
        Assert.Contains("devops-agent.commit: " + Commit, texts[IndexOf(".devops-agent-green.yml.tmp")], StringComparison.Ordinal);
        Assert.Equal(-1, IndexOf(".devops-agent-blue.yml.tmp"));

        // Health through green's own address before the switch; the switch readies green, drains blue and puts it in
        // maintenance in one call into the edge, after one read of the servers.
        var switchCall = IndexOf("set server app/green state ready; disable health app/green; set server app/blue state drain");
        Assert.True(IndexOf("http://172.28.0.9:80/health") < switchCall);
        Assert.True(switchCall < IndexOf("http://localhost:8080/health"));
        Assert.Contains("'set server app/blue state maint'", texts[switchCall], StringComparison.Ordinal);
        Assert.Equal("green live; blue drained in 0.4s", result.Record.Steps.Single(s => s.Name == "switch").Detail);
        Assert.Equal(["show stat app 4 -1", "switch"], texts.Skip(IndexOf("http://172.28.0.9:80/")).Take(switchCall - IndexOf("http://172.28.0.9:80/") + 1)
            .Where(t => t.Contains("project=shop-staging-edge", StringComparison.Ordinal) && t.Contains("docker exec \"$id\"", StringComparison.Ordinal))
            .Select(t => t.Contains(DevOpsAgent.Core.Edge.EdgeSwitchScript.Live, StringComparison.Ordinal) ? "switch" : t[(t.LastIndexOf(" _ '", StringComparison.Ordinal) + 4)..t.LastIndexOf('\'')]));
        Assert.True(IndexOf("docker-compose -p shop-staging-blue -f .devops-agent-blue.yml stop") > IndexOf("http://localhost:8080/health"));
        Assert.Equal(-1, IndexOf("shop-staging-blue -f .devops-agent-blue.yml down"));
        Assert.Contains(texts, t => t.Contains("release.json.tmp", StringComparison.Ordinal) && t.Contains("\"slot\":\"green\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_unhealthy_in_its_own_slot_never_receives_traffic_and_the_live_slot_is_never_touched()
    {
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer("http://172.28.0.9:80/health", standardOutput: "{\"status\":\"unhealthy\"}\n503")
            .AppendRulesFrom(Server());

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.EndsWith("rolled back to v1.0.0: blue kept serving; the new release never received traffic", result.Record.Error, StringComparison.Ordinal);
        var texts = runner.Commands.Select(c => c.Text).ToList();
        Assert.DoesNotContain(texts, t => t.Contains("set server app/green state ready", StringComparison.Ordinal));
        string[] changing = [" up ", " stop", " start", " down", " build", " run "];
        Assert.DoesNotContain(texts, t => t.Contains("-p shop-staging-blue ", StringComparison.Ordinal) && changing.Any(c => t.Contains(c, StringComparison.Ordinal)));
        Assert.Contains(texts, t => t.Contains("docker-compose -p shop-staging-green -f .devops-agent-green.yml stop", StringComparison.Ordinal));
        Assert.Equal(["rollback: stop slot", "rollback: health"], result.Record.Steps.Select(s => s.Name).Where(n => n.StartsWith("rollback", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_release_that_migrated_then_failed_in_its_slot_takes_the_database_back_inside_that_slots_running_container()
    {
        var history = new MemoryHistory();
        var config = Config with { Migrations = new DevOpsAgent.Core.Migrations.MigrationsConfig { Service = "backend", DatabaseService = "db" } };
        const string sep = DevOpsAgent.Core.Migrations.AlembicCommands.InspectSeparator;
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22")
            // The plan, in a one-off container of green (not started yet): 0001 → 0002, additive.
            .Answer("alembic current && echo", standardOutput: $"0001\n{sep}\n0002 (head)\n{sep}\n0001 -> 0002 (head), add items.description\n<base> -> 0001, create items\n")
            .Answer("--sql", standardOutput: "BEGIN;\n\n-- Running upgrade 0001 -> 0002\n\nALTER TABLE items ADD COLUMN description TEXT;\n\nUPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';\n\nCOMMIT;\n")
            .Answer("alembic upgrade head", standardOutput: $"INFO  [alembic.runtime.migration] Running upgrade 0001 -> 0002, add items.description\n{sep}\n0002 (head)\n")
            .Answer("alembic downgrade 0001", standardOutput: $"INFO  [alembic.runtime.migration] Running downgrade 0002 -> 0001, add items.description\n{sep}\n0001\n")
            // Green's backend runs (unhealthy by its own check, but running).
            .Answer("project=shop-staging-green --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False | wc -l)", standardOutput: "1 1\n")
            .Answer("http://172.28.0.9:80/health", standardOutput: "{\"status\":\"unhealthy\"}\n503")
            .AppendRulesFrom(Server());

        var result = await new DeployWorker(config, runner, history, SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(Staging, GitRef.Parse("staging"), "alice@laptop"), CancellationToken.None);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal("0002 → 0001 (with green's migrations)", result.Record.Steps.Single(s => s.Name == "rollback: database").Detail);
        var texts = runner.Commands.Select(c => c.Text).ToList();
        var downgrade = Assert.Single(texts, t => t.Contains("alembic downgrade", StringComparison.Ordinal));
        // In green's running backend, found by its compose labels: no one-off container to create (seconds with compose v1 on a loaded host).
        Assert.Equal(
            "(id=$(docker ps -q --filter label=com.docker.compose.project=shop-staging-green --filter label=com.docker.compose.service=backend "
            + "--filter label=com.docker.compose.oneoff=False | head -n1); [ -n \"$id\" ] || { echo 'service backend of shop-staging-green is not running' >&2; exit 1; }; "
            + $"docker exec \"$id\" sh -c 'alembic downgrade 0001 && echo \"{sep}\" && alembic current')",
            downgrade);
        Assert.True(texts.IndexOf(downgrade) > texts.FindIndex(t => t.Contains("alembic upgrade head", StringComparison.Ordinal)));
        Assert.DoesNotContain(texts, t => t.Contains("set server app/green state ready", StringComparison.Ordinal));
    }
}
