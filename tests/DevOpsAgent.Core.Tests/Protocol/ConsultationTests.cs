using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>CONSULT questions against the recording backend and in-memory history.</summary>
public sealed class ConsultationTests
{
    private const string Canary = "canary-Ht7wQ2pLx9";

    private readonly MemoryHistory _history = new();

    private Task<Answer> AskAsync(string message, RecordingCommandRunner runner, ProjectSnapshot? project = null)
    {
        var context = ProtocolFakes.Context(runner, _history) with { LoadProjectAsync = project is null ? null : _ => Task.FromResult(project) };
        return new Consultant(context).AnswerAsync(MessageParser.Parse(message, MessageMode.Consult), CancellationToken.None);
    }

    private static DeployRecord Deploy(string environment, string version, DeployOutcome outcome, TimeSpan ago, string health = "http x: passed") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Environment = environment,
        Ref = version,
        Version = version,
        Commit = ProtocolFakes.Commit,
        StartedBy = "ci",
        TaskId = "TASK-046",
        StartedAt = DateTimeOffset.UtcNow - ago,
        FinishedAt = DateTimeOffset.UtcNow - ago,
        Outcome = outcome,
        HealthSummary = health,
        Error = outcome == DeployOutcome.Failed ? "health check failed: http: 500" : null,
    };

    [Fact]
    public async Task Staging_status_answers_as_the_seed_does()
    {
        var answer = await AskAsync("DevOps Agent [CONSULT]: staging status", ProtocolFakes.HealthyServer());

        Assert.Equal("staging: All services running, healthy.", answer.Text);
    }

    [Fact]
    public async Task Status_names_the_services_that_are_not_healthy_and_why()
    {
        var runner = new RecordingCommandRunner()
            .Answer("xargs -r docker inspect", standardOutput: "db\t/shop-staging-db-1\trunning\thealthy\nbackend\t/shop-staging-backend-1\trestarting\tunhealthy\n")
            .AppendRulesFrom(ProtocolFakes.HealthyServer());

        var answer = await AskAsync("[CONSULT] staging status", runner);

        Assert.Equal("staging: Not healthy: backend is restarting (unhealthy); frontend is not running.", answer.Text);
    }

    [Fact]
    public async Task Last_production_deploy_names_the_release_its_age_and_health_and_skips_refusals()
    {
        _history.Saved.Add(Deploy("production", "v1.1.0", DeployOutcome.Succeeded, TimeSpan.FromDays(2.2)));
        _history.Saved.Add(Deploy("production", "v9", DeployOutcome.Refused, TimeSpan.FromHours(1)));
        _history.Saved.Add(Deploy("staging", "v1.2.0", DeployOutcome.Succeeded, TimeSpan.FromMinutes(1)));

        var answer = await AskAsync("DevOps Agent [CONSULT]: last production deploy", new RecordingCommandRunner());

        Assert.Equal("v1.1.0, 2 days ago, all healthy, TASK-046", answer.Text);
    }

    [Fact]
    public async Task A_failed_last_deploy_says_so()
    {
        _history.Saved.Add(Deploy("staging", "v1.2.0-broken", DeployOutcome.Failed, TimeSpan.FromMinutes(5)));

        var answer = await AskAsync("last staging deploy", new RecordingCommandRunner());

        Assert.Equal("v1.2.0-broken, 5 minutes ago, FAILED (health check failed: http: 500), TASK-046", answer.Text);
    }

    [Fact]
    public async Task Without_local_history_the_servers_record_answers()
    {
        var release = new ServerRelease("production", "v1.1.0", ProtocolFakes.Commit, "v1.1.0", DateTimeOffset.UtcNow.AddHours(-3), "bob", null, "x");
        var runner = new RecordingCommandRunner().Answer("release.json", standardOutput: System.Text.Json.JsonSerializer.Serialize(release,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower }));

        var answer = await AskAsync("last production deploy", runner);

        Assert.Equal("v1.1.0, 3 hours ago (the server's record; no local history)", answer.Text);
    }

    [Fact]
    public async Task Required_variables_list_names_and_uses_and_what_each_server_lacks_reading_names_only()
    {
        var project = new ProjectSnapshot([
            new ProjectFile("docker-compose.prod.yml", "services:\n  backend:\n    image: b\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n      SECRET_KEY: ${SECRET_KEY}\n"),
            new ProjectFile(".env.example", "DATABASE_URL=x\nSECRET_KEY=y\n"),
        ], GitFacts.None);
        var runner = new RecordingCommandRunner().Answer("sed -n -E", standardOutput: "DATABASE_URL\nAPP_ENV\n");

        var answer = await AskAsync("DevOps Agent [CONSULT]: required environment variables", runner, project);

        var lines = answer.Text.Split('\n');
        Assert.Equal("DATABASE_URL, SECRET_KEY", lines[0]);
        Assert.Contains("  SECRET_KEY (required): docker-compose.prod.yml:6", lines);
        Assert.Contains("staging: missing SECRET_KEY", lines);
        Assert.Contains("production: missing SECRET_KEY", lines);
        var read = runner.Commands.First(c => c.Text.Contains("sed", StringComparison.Ordinal)).Text;
        Assert.Equal(@"test -f /var/www/shop/.env && sed -n -E 's/^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=.*/\2/p' /var/www/shop/.env || echo __devops_agent_no_env_file__", read);
    }

    [Fact]
    public async Task What_is_deployed_where_asks_every_server()
    {
        var release = new ServerRelease("staging", "staging", ProtocolFakes.Commit, "v1.1.0", DateTimeOffset.UtcNow.AddMinutes(-90), "bob", "TASK-045", "x");
        var runner = new RecordingCommandRunner().Answer("release.json", standardOutput: System.Text.Json.JsonSerializer.Serialize(release,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower }));

        var answer = await AskAsync("what is deployed where?", runner);

        Assert.Equal("staging: v1.1.0 (111111111111), 1 hour ago, TASK-045\nproduction: v1.1.0 (111111111111), 1 hour ago, TASK-045", answer.Text);
    }

    [Fact]
    public async Task Logs_summarise_recent_errors_without_quoting_secrets()
    {
        var logs = "shop-staging-backend-1  | 2026-11-27T08:00:00.000000000Z INFO started\n"
            + $"shop-staging-backend-1  | 2026-11-27T08:00:01.000000000Z ERROR cannot connect to postgresql://shop:{Canary}@db:5432/shop\n"
            + $"shop-staging-frontend-1  | 2026-11-27T08:00:02.000000000Z [error] upstream failed SECRET_KEY={Canary}\n";
        var runner = new RecordingCommandRunner().Answer(" logs ", standardOutput: logs).AppendRulesFrom(ProtocolFakes.HealthyServer());

        var answer = await AskAsync("logs staging", runner);

        Assert.StartsWith("staging: 2 error line(s) in the last 100 lines of each service (backend 1, frontend 1). Latest:", answer.Text, StringComparison.Ordinal);
        Assert.Contains("postgresql://shop:***@db:5432/shop", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, answer.Text + answer.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_lists_the_seeds_checklist_for_the_tasks_release()
    {
        _history.Saved.Add(Deploy("staging", "v1.1.0", DeployOutcome.Succeeded, TimeSpan.FromHours(5)));

        var answer = await AskAsync("preflight TASK-046", new RecordingCommandRunner());

        Assert.Equal("""
            Pre-flight for TASK-046 (v1.1.0 to production): NOT READY
              [x] QA approved: approved by QA Agent
              [x] staging tested: 111111111111 deployed to staging at {at:yyyy-MM-dd HH:mm} UTC, healthy
              [x] migrations tested: ran on staging with v1.1.0: no migrations configured
              [ ] rollback plan: no previous release on the server to roll back to
            """.Replace("{at:yyyy-MM-dd HH:mm}", _history.Saved[0].StartedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), answer.Text);
    }

    [Fact]
    public async Task Preflight_of_an_untested_unapproved_task_is_not_ready()
    {
        var answer = await AskAsync("preflight TASK-045", new RecordingCommandRunner());

        Assert.StartsWith("Pre-flight for TASK-045 (staging to production): NOT READY\n  [ ] QA approved: no QA approval recorded", answer.Text, StringComparison.Ordinal);
    }
}
