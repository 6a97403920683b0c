using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Swarm;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Swarm;

/// <summary>A Swarm deploy against the recording backend: what it runs, and what it makes of Swarm's answers.</summary>
public sealed class SwarmDeployWorkflowTests
{
    private const string Canary = "canary-secret-5f1e";

    private static AgentConfig Config(string swarm = "{ endpoint_mode: dnsrr, monitor: 1s }", string migrations = "", string logs = "{ tail: 50 }") => AgentConfig.Read(YamlConfigLoader.Parse($"""
        project: shop
        repository: /srv/shop.git
        compose_files: [docker-compose.prod.yml]
        {migrations}
        environments:
          swarm:
            server: 10.77.0.11
            user: deploy
            path: /var/www/shop
            tag: v1.1.0
            engine: swarm
            registry: 10.77.0.1:5000
            swarm: {swarm}
            health:
              timeout: 1s
              interval: 10ms
              http:
                - url: http://localhost:8080/health
              database: db
              logs: {logs}
        """), new Dictionary<string, string>());

    private static RecordingCommandRunner Server(string updateState)
    {
        var compose = File.ReadAllText(RepoFiles.Path("examples/fullstack/docker-compose.prod.yml"));
        var before = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\tcompleted\tT0\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\tcompleted\tT0\n";
        var after = $"shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\t{updateState}\tT1\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\t{updateState}\tT1\n";
        var deployed = false;
        return new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer("release.json || true", standardOutput: """{"environment":"swarm","ref":"v1.0.0","commit":"0000000000000000000000000000000000000000","version":"v1.0.0","deployed_at":"2026-12-01T00:00:00+00:00","deployed_by":"ci","revision":"0001"}""")
            .Answer("if mkdir", standardOutput: "acquired\n")
            .Answer("Swarm.LocalNodeState", standardOutput: "active true\n")
            .Answer("docker compose version", standardOutput: "v1\n")
            .Answer("rev-parse --verify --quiet 'refs/remotes/origin/v1.1.0", standardOutput: "e3d42a8add1d3e88fcac0b2acee504fd0bd4a542\n")
            .Answer("cat -- docker-compose.prod.yml", standardOutput: compose)
            .Answer(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal) && (deployed = true), standardOutput: $"Updating service shop-swarm_backend\nSECRET_KEY={Canary}\n")
            .Answer("docker service ls", standardOutput: "shop-swarm_db replicated 1/1\nshop-swarm_backend replicated 1/1\nshop-swarm_frontend global 3/3\n")
            .Answer(t => t.Contains("docker service inspect", StringComparison.Ordinal) && !deployed, standardOutput: before)
            .Answer("docker service inspect", standardOutput: after)
            .Answer("desired-state=running", standardOutput: "shop-swarm_db.1\tRunning 9 seconds ago\nshop-swarm_backend.1\tRunning 5 seconds ago\n"
                + "shop-swarm_frontend.a\tRunning 1 second ago\nshop-swarm_frontend.b\tRunning 2 seconds ago\nshop-swarm_frontend.c\tRunning 3 seconds ago\n")
            .Answer("docker service ps", standardOutput: "shop-swarm_backend.1\timg\tdahost2\tShutdown\tFailed\ttask: non-zero exit (1)\n")
            .Answer("docker network ls", standardOutput: "shop-swarm_internal\n")
            .Answer("alembic current", standardOutput: "0001 (head)\n")
            .Answer("alembic heads", standardOutput: "0001 (head)\n")
            .Answer("curl", standardOutput: "{\"status\": \"healthy\"}\n200");
    }

    [Fact]
    public async Task A_release_whose_update_does_not_settle_is_rolled_back_and_the_secret_never_shows()
    {
        var config = Config();
        var runner = Server("rollback_completed");
        var history = new List<DeployRecord>();
        var result = await new SwarmDeployWorker(config, runner, new ListHistory(history), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.Contains(runner.Commands, c => c.Text == "cd /var/www/shop && ( set -a && . ./.env && set +a && docker stack deploy --with-registry-auth --prune --resolve-image never -c .devops-agent/swarm/stack.yml shop-swarm )");
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("docker service rollback", StringComparison.Ordinal));
        Assert.DoesNotContain(Canary, System.Text.Json.JsonSerializer.Serialize(result.Record));
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains(Canary, StringComparison.Ordinal));
    }

    // docker service logs --timestamps --no-task-ids, as the bed's Swarm prints it; the traceback is written after the checks passed.
    private const string ServiceLogs = """
        2026-12-04T21:57:24.789510994Z shop-swarm_backend.1@dahost3    | INFO:     Application startup complete.
        2099-01-01T00:00:00.000000000Z shop-swarm_backend.1@dahost3    | Traceback (most recent call last):
        2099-01-01T00:00:00.000000001Z shop-swarm_frontend.k3j4h5l6m7n8@dahost2    | 10.0.0.2 - - "GET / HTTP/1.1" 200
        """;

    [Theory]
    [InlineData("{ tail: 50 }", ExitCodes.Success)]
    [InlineData("{ tail: 50, fail_on_errors: true }", ExitCodes.RolledBack)]
    public async Task The_services_logs_are_scanned_after_the_checks_and_fail_the_deploy_when_asked(string logs, int exitCode)
    {
        var config = Config(logs: logs);
        var (deployed, rolledBack) = (false, false);
        const string Old = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\tcompleted\tT0\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\tcompleted\tT0\n";
        const string New = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:e3d42a8add1d\tcompleted\tT1\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:e3d42a8add1d\tcompleted\tT1\n";
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal) && (deployed = true))
            .Answer(t => t.Contains("docker service rollback", StringComparison.Ordinal) && (rolledBack = true))
            .Answer(t => t.Contains("docker service inspect", StringComparison.Ordinal) && (!deployed || rolledBack), standardOutput: Old)
            .Answer("docker service inspect", standardOutput: New)
            .Answer(t => t.Contains("docker service logs", StringComparison.Ordinal) && !rolledBack, standardOutput: ServiceLogs)
            .AppendRulesFrom(Server("completed"));

        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.True(exitCode == result.ExitCode, $"{result.ExitCode}: {result.Record.Error}");
        Assert.Contains(runner.Commands, c => c.Text == "docker service logs --no-task-ids --timestamps --tail=50 shop-swarm_db 2>&1; "
            + "docker service logs --no-task-ids --timestamps --tail=50 shop-swarm_backend 2>&1; docker service logs --no-task-ids --timestamps --tail=50 shop-swarm_frontend 2>&1; true");
        var health = result.Record.Steps.First(s => s.Name == "health");
        Assert.Contains("logs", result.Record.HealthSummary + health.Detail, StringComparison.Ordinal);
        if (exitCode == ExitCodes.Success)
        {
            Assert.Contains("logs: warning", result.Record.HealthSummary, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.Contains("logs", health.Detail, StringComparison.Ordinal);
            Assert.True(rolledBack);
        }
    }

    [Fact]
    public async Task With_wait_for_drain_the_deploy_ends_once_the_replaced_tasks_have_stopped()
    {
        var config = Config(swarm: "{ endpoint_mode: dnsrr, monitor: 1s, drain: 15s, wait_for_drain: true }");
        var (deployed, reads) = (false, 0);
        const string New = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:e3d42a8add1d\tcompleted\tT1\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:e3d42a8add1d\tcompleted\tT1\n";
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal) && (deployed = true))
            .Answer(t => t.Contains("docker service inspect", StringComparison.Ordinal) && deployed, standardOutput: New)
            .Answer(t => t.Contains("desired-state=shutdown", StringComparison.Ordinal) && Interlocked.Increment(ref reads) <= 2,
                standardOutput: "shop-swarm_backend.1\tRunning 12 seconds ago\nshop-swarm_backend.1\tShutdown 3 minutes ago\n")
            .Answer("desired-state=shutdown", standardOutput: "shop-swarm_backend.1\tComplete 1 second ago\nshop-swarm_backend.1\tShutdown 3 minutes ago\n")
            .AppendRulesFrom(Server("completed"));

        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Record.Error);
        Assert.Equal(3, reads);
        Assert.Contains(runner.Commands, c => c.Text == "docker service ps --filter desired-state=shutdown --format '{{.Name}}\t{{.CurrentState}}' shop-swarm_db shop-swarm_backend shop-swarm_frontend");
        var drain = result.Record.Steps.Single(s => s.Name == "drain");
        Assert.Matches("^replaced tasks stopped after [0-9.]+s: only the new release answers$", drain.Detail);
        Assert.Equal(["health", "drain", "record release"], result.Record.Steps.Select(s => s.Name).SkipWhile(n => n != "health").Take(3));
    }

    [Fact]
    public void The_logs_command_of_a_swarm_reads_one_service_or_every_service_of_the_stack_at_once()
    {
        var commands = new SwarmCommands("/var/www/shop", "shop-swarm");

        Assert.Equal("docker service logs --no-task-ids --timestamps --tail=5 shop-swarm_backend 2>&1", commands.StackLogs("backend", 5, follow: false).Text);
        Assert.Equal("for s in $(docker service ls -q --filter label=com.docker.stack.namespace=shop-swarm); do "
            + "docker service logs --no-task-ids --timestamps --tail=50 --follow \"$s\" 2>&1 & done; wait", commands.StackLogs(null, 50, follow: true).Text);
    }

    [Fact]
    public async Task A_rollback_deploys_the_recorded_release_then_downgrades_with_the_newer_releases_migrations()
    {
        var config = Config(migrations: "migrations: { service: backend, database_service: db }");
        const string Older = "0000000000000000000000000000000000000000";
        var target = new ServerRelease("swarm", "v1.0.0", Older, "v1.0.0", DateTimeOffset.UnixEpoch, "ci", null, "d0") { Revision = "0001" };
        var deployed = false;
        const string Newer = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:e3d42a8add1d\tcompleted\tT0\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:e3d42a8add1d\tcompleted\tT0\n";
        const string Back = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\tcompleted\tT1\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\tcompleted\tT1\n";
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer("release.json || true", standardOutput: """{"environment":"swarm","ref":"v1.1.0","commit":"e3d42a8add1d3e88fcac0b2acee504fd0bd4a542","version":"v1.1.0","deployed_at":"2026-12-02T00:00:00+00:00","deployed_by":"ci","revision":"0002"}""")
            .Answer($"refs/remotes/origin/{Older}", standardOutput: Older + "\n")
            .Answer("describe --tags", standardOutput: "v1.0.0\n")
            .Answer(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal) && (deployed = true))
            .Answer(t => t.Contains("docker service inspect", StringComparison.Ordinal) && !deployed, standardOutput: Newer)
            .Answer("docker service inspect", standardOutput: Back)
            .Answer("alembic current", standardOutput: "0001\n")
            .AppendRulesFrom(Server("completed"));

        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse(Older), "tester") { RollbackTo = target }, CancellationToken.None);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Record.Error);
        Assert.Equal(("rollback", "v1.0.0", "v1.0.0", "0002", "0001"),
            (result.Record.Action, result.Record.Ref, result.Record.Version, result.Record.RevisionBefore, result.Record.RevisionAfter));
        var texts = runner.Commands.Select(c => c.Text).ToList();
        var stackDeploy = texts.FindIndex(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal));
        var downgrade = texts.FindIndex(t => t.Contains("alembic downgrade 0001", StringComparison.Ordinal));
        // No plan with the older code (it does not know 0002); the way down is the newer image's, once the stack runs v1.0.0.
        Assert.DoesNotContain(texts, t => t.Contains("alembic heads", StringComparison.Ordinal));
        Assert.True(stackDeploy >= 0 && downgrade > stackDeploy, string.Join("\n", texts));
        Assert.Contains("10.77.0.1:5000/shop-backend:e3d42a8add1d", texts[downgrade], StringComparison.Ordinal);
        Assert.Contains(result.Record.Steps, s => s.Name == "downgrade" && s.Detail == "database at 0001 (with v1.1.0's migrations)");
        Assert.Contains(texts, t => t.Contains("release.json.tmp", StringComparison.Ordinal) && t.Contains(Older, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_migrations_plan_reads_current_heads_and_history_from_one_container()
    {
        var config = Config(migrations: "migrations: { service: backend, database_service: db }");
        var separator = DevOpsAgent.Core.Migrations.AlembicCommands.InspectSeparator;
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer(separator, standardOutput: $"0001\n{separator}\n0001 (head)\n{separator}\n<base> -> 0001 (head), create items\n")
            .AppendRulesFrom(Server("completed"));
        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.True(result.Record.Steps.Any(s => s.Name == "migrations plan" && s.Detail == "database at 0001, no migrations pending"), string.Join("\n", result.Record.Steps));
        Assert.Single(runner.Commands, c => c.Text.Contains(separator, StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("alembic heads", StringComparison.Ordinal) && !c.Text.Contains(separator, StringComparison.Ordinal));
    }

    /// <summary>
    /// Found on the multi-host bed: after a release Swarm had rolled back (services left at rollback_completed), the
    /// next deploy failing before any service changed said "Swarm had rolled back backend, frontend itself".
    /// </summary>
    [Fact]
    public async Task A_rollback_state_left_by_an_earlier_deploy_is_not_counted_as_this_deploys()
    {
        var config = Config();
        var stale = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\trollback_completed\tT0\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\trollback_completed\tT0\n";
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer("&& docker stack deploy", exitCode: 1, standardError: "service frontend: undefined volume\n")
            .Answer("docker service inspect", standardOutput: stale)
            .AppendRulesFrom(Server("completed"));
        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.True(result.ExitCode == ExitCodes.RolledBack, result.Record.Error + string.Join("\n", result.Record.Steps));
        Assert.Contains("(no service to roll back)", result.Record.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Swarm had rolled back", result.Record.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("docker service rollback", StringComparison.Ordinal));
    }

    /// <summary>
    /// Swarm clears a service's UpdateStatus when its spec changes, until the updater starts: the new image with state
    /// "none" (and the old task still running) is not an update that completed.
    /// </summary>
    [Fact]
    public async Task A_changed_service_whose_update_has_not_started_is_waited_on_not_taken_as_updated()
    {
        var config = Config();
        var deployed = false;
        var before = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:000000000000\tcompleted\tT0\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:000000000000\tcompleted\tT0\n";
        var pending = "shop-swarm_db\tpostgres:15\tnone\t\nshop-swarm_backend\t10.77.0.1:5000/shop-backend:e3d42a8add1d\tnone\t\nshop-swarm_frontend\t10.77.0.1:5000/shop-frontend:e3d42a8add1d\tnone\t\n";
        var runner = new RecordingCommandRunner("deploy@10.77.0.11:22")
            .Answer(t => t.Contains("&& docker stack deploy", StringComparison.Ordinal) && (deployed = true), standardOutput: "Updating service shop-swarm_backend\n")
            .Answer(t => t.Contains("docker service inspect", StringComparison.Ordinal) && !deployed, standardOutput: before)
            .Answer("docker service inspect", standardOutput: pending)
            .AppendRulesFrom(Server("completed"));
        var result = await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        Assert.True(result.ExitCode != ExitCodes.Success, string.Join("\n", result.Record.Steps));
        Assert.Contains("did not settle", result.Record.Error, StringComparison.Ordinal);
        Assert.Contains("backend updating", result.Record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_edge_its_own_stack_is_written_and_deployed_before_the_app_stack_which_no_longer_publishes_the_port()
    {
        var config = Config("{ endpoint_mode: dnsrr, monitor: 1s, edge: true }");
        var runner = Server("completed");
        await new SwarmDeployWorker(config, runner, new ListHistory([]), new Quiet(), TimeProvider.System)
            .DeployAsync(new DeployRequest(config.Environment("swarm"), GitRef.Parse("v1.1.0"), "tester"), CancellationToken.None);

        var texts = runner.Commands.Select(c => c.Text).ToList();
        var edge = texts.IndexOf("cd /var/www/shop && ( set -a && . ./.env && set +a && docker stack deploy --with-registry-auth --prune --resolve-image never -c .devops-agent/swarm/edge/stack.yml shop-swarm-edge )");
        var app = texts.IndexOf("cd /var/www/shop && ( set -a && . ./.env && set +a && docker stack deploy --with-registry-auth --prune --resolve-image never -c .devops-agent/swarm/stack.yml shop-swarm )");
        Assert.True(edge >= 0 && app > edge, string.Join("\n", texts));
        Assert.Contains(texts[..edge], t => t.Contains("/var/www/shop/.devops-agent/swarm/edge/haproxy.cfg", StringComparison.Ordinal)
            && t.Contains("server-template task 32 tasks.shop-swarm_frontend:80", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("/var/www/shop/.devops-agent/swarm/stack.yml", StringComparison.Ordinal)
            && t.Contains("name: shop-swarm-edge", StringComparison.Ordinal) && !t.Contains("published:", StringComparison.Ordinal));
    }

    private sealed class Quiet : IDeployObserver
    {
        public List<string> Lines { get; } = [];

        public void StepStarted(string step) => Lines.Add(step);

        public void StepFinished(StepRecord step) => Lines.Add(step.ToString());

        public void CheckReported(DevOpsAgent.Core.Health.CheckResult check) => Lines.Add(check.ToString());

        public void Output(string line) => Lines.Add(line);
    }

    private sealed class ListHistory(List<DeployRecord> records) : IDeployHistory
    {
        public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
        {
            records.Add(record);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeployRecord>>([]);

        public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<DeployRecord?>(null);
    }
}
