using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Tests.Deploy;

/// <summary>The deploy flow against the recording backend: which commands run, in which order, and what is recorded.</summary>
public sealed class DeployWorkflowTests
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

    private readonly MemoryHistory _history = new();
    private readonly RecordingObserver _observer = new();

    private static RecordingCommandRunner HealthyServer() => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("docker compose version", standardOutput: "v1\n")
        .Answer("if mkdir", standardOutput: "acquired\n")
        .Answer("rev-parse --verify --quiet 'refs/remotes/origin/staging", standardOutput: Commit + "\n")
        .Answer("rev-parse --verify --quiet HEAD", standardOutput: Previous + "\n")
        .Answer("describe --tags", exitCode: 128, standardError: "fatal: no tag exactly matches")
        .Answer("config --services", standardOutput: "db\nbackend\nfrontend\n")
        .Answer("xargs -r docker inspect", standardOutput: "db\t/shop-staging_db_1\trunning\thealthy\nbackend\t/shop-staging_backend_1\trunning\thealthy\nfrontend\t/shop-staging_frontend_1\trunning\thealthy\n")
        .Answer("http://localhost:8080/health", standardOutput: "{\"status\":\"healthy\"}\n200")
        .Answer("http://localhost:8080/", standardOutput: "<html></html>\n200");

    private Task<DeployResult> DeployAsync(RecordingCommandRunner runner, string gitRef = "staging") =>
        new DeployWorker(Config, runner, _history, _observer, TimeProvider.System)
            .DeployAsync(new DeployRequest(Staging, GitRef.Parse(gitRef), "alice@laptop") { TaskId = "TASK-045" }, CancellationToken.None);

    [Fact]
    public async Task A_deploy_fetches_checks_out_builds_before_up_verifies_and_records()
    {
        var runner = HealthyServer();

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var texts = runner.Commands.Select(c => c.Text).ToList();
        int IndexOf(string fragment) => texts.FindIndex(t => t.Contains(fragment, StringComparison.Ordinal));
        Assert.True(IndexOf("fetch --quiet") < IndexOf($"checkout --quiet --force --detach {Commit}"));
        Assert.True(IndexOf($"checkout --quiet --force --detach {Commit}") < IndexOf("docker-compose.prod.yml build"));
        Assert.True(IndexOf(" build") < IndexOf(" up -d --remove-orphans"));
        Assert.True(IndexOf(" up -d") < IndexOf("config --services"));
        Assert.Contains(texts, t => t.Contains("/var/www/shop/.devops-agent/release.json.tmp", StringComparison.Ordinal) && t.Contains(Commit, StringComparison.Ordinal));

        var record = Assert.Single(_history.Saved, r => r.FinishedAt is not null);
        Assert.Equal((DeployOutcome.Succeeded, Commit, Previous, "111111111111", "TASK-045", "alice@laptop"),
            (record.Outcome, record.Commit, record.PreviousCommit, record.Version, record.TaskId, record.StartedBy));
        Assert.Equal(["lock", "detect compose", "fetch", "resolve", "keep serving release", "checkout", "build", "keep images", "up", "health", "record release"], record.Steps.Select(s => s.Name));
        Assert.All(record.Steps, s => Assert.Equal(StepOutcome.Succeeded, s.Outcome));
        Assert.Contains("http http://localhost:8080/health: passed", record.HealthSummary, StringComparison.Ordinal);
        Assert.Equal(DeployOutcome.Running, _history.Saved[0].Outcome);
    }

    [Fact]
    public async Task A_failed_build_touches_nothing_running_and_restores_the_working_tree()
    {
        var failing = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer(" build", exitCode: 1, standardError: "ERROR: Service 'backend' failed to build");
        CopyRules(HealthyServer, failing);

        var result = await DeployAsync(failing);

        Assert.Equal(ExitCodes.CommandFailed, result.ExitCode);
        var texts = failing.Commands.Select(c => c.Text).ToList();
        Assert.DoesNotContain(texts, t => t.Contains(" up -d", StringComparison.Ordinal));
        Assert.Contains($"git -C /var/www/shop checkout --quiet --force --detach {Previous}", texts.SkipWhile(t => !t.EndsWith(" build", StringComparison.Ordinal)));
        Assert.Equal(DeployOutcome.Failed, result.Record.Outcome);
        Assert.Equal("build", result.Record.Steps[^1].Name);
        Assert.EndsWith("failed on deploy@staging.example.com:22 with exit code 1: ERROR: Service 'backend' failed to build", result.Record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unhealthy_first_release_fails_with_the_failing_check_named()
    {
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer("rev-parse --verify --quiet HEAD", exitCode: 128)
            .Answer("http://localhost:8080/health", standardOutput: "{\"status\":\"unhealthy\"}\n503")
            .Answer("logs --no-color", standardOutput: "shop-staging_backend_1  | Traceback (most recent call last):\n");
        CopyRules(HealthyServer, runner);

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.HealthCheckFailed, result.ExitCode);
        Assert.Equal("health check failed: http http://localhost:8080/health: FAILED — HTTP 503, expected 200: {\"status\":\"unhealthy\"} "
            + "(first deploy: no previous release to roll back to)", result.Record.Error);
        Assert.Equal(("health", StepOutcome.Failed), (result.Record.Steps[^1].Name, result.Record.Steps[^1].Outcome));
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("release.json.tmp", StringComparison.Ordinal));
        var logs = Assert.Single(result.Health!.Checks, c => c.Name == "logs");
        Assert.Equal(["backend | Traceback (most recent call last):"], logs.Evidence);
        Assert.True(runner.Commands.Count(c => c.Text.Contains("8080/health", StringComparison.Ordinal)) > 1, "health is polled until the deadline");
        Assert.Contains(_observer.Checks, c => c is { Name: "http http://localhost:8080/health", Passed: false });
    }

    [Fact]
    public async Task An_unhealthy_release_is_rolled_back_to_the_previous_one_without_a_rebuild()
    {
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22");
        var rolledBack = false;
        runner.Answer(text =>
        {
            rolledBack |= text.EndsWith($"checkout --quiet --force --detach {Previous}", StringComparison.Ordinal);
            return !rolledBack && text.Contains("http://localhost:8080/health", StringComparison.Ordinal);
        }, standardOutput: "{\"status\":\"unhealthy\"}\n503");
        runner.Answer("xargs -r docker inspect --format '{{.Config.Image}}", standardOutput: "shop-staging_backend\tsha256:aaa\npostgres:15\tsha256:bbb\n");
        CopyRules(HealthyServer, runner);

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.EndsWith("; rolled back to 222222222222", result.Record.Error, StringComparison.Ordinal);
        var texts = runner.Commands.Select(c => c.Text).ToList();
        // The previous release's images come back from the manifest its own build wrote, verified, never from what runs.
        var restore = Assert.Single(texts, t => t.Contains("is not the image its build produced", StringComparison.Ordinal));
        Assert.Contains("grep \"^\"222222222222\"\t\" /var/www/shop/.devops-agent/images.tsv", restore, StringComparison.Ordinal);
        Assert.True(texts.FindIndex(t => t.Contains("docker tag \"$id\" \"$repo:\"release-111111111111", StringComparison.Ordinal)) > texts.FindIndex(t => t.EndsWith(" build", StringComparison.Ordinal)),
            "the new release's images are kept right after its build");
        Assert.Single(texts, t => t.EndsWith(" build", StringComparison.Ordinal));
        Assert.Equal(["rollback: code", "rollback: images", "rollback: up", "rollback: health"],
            result.Record.Steps.Select(s => s.Name).Where(n => n.StartsWith("rollback", StringComparison.Ordinal)));
        Assert.DoesNotContain(texts, t => t.Contains("release.json.tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ref_the_repository_does_not_have_is_refused_before_anything_changes()
    {
        var runner = new RecordingCommandRunner().Answer("docker compose version", standardOutput: "v1\n").Answer("if mkdir", standardOutput: "acquired\n");

        var result = await DeployAsync(runner, "no-such-branch");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal("'no-such-branch' is neither a branch nor a tag nor a commit of /srv/git/shop.git.", result.Record.Error);
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains("checkout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_project_that_fails_check_is_refused_before_the_server_is_touched()
    {
        var runner = HealthyServer();
        IReadOnlyList<Finding> findings =
        [
            new Finding("compose-literal-secret", Severity.Error, "docker-compose.yml", 12, "POSTGRES_PASSWORD is a literal", "use ${POSTGRES_PASSWORD}"),
            new Finding("compose-network", Severity.Warning, "docker-compose.yml", 3, "no shared network", "add one"),
        ];

        var result = await new DeployWorker(Config, runner, _history, _observer, TimeProvider.System).DeployAsync(
            new DeployRequest(Staging, GitRef.Parse("staging"), "alice@laptop") { QualityGate = _ => Task.FromResult(findings) }, CancellationToken.None);

        Assert.Equal(ExitCodes.CheckFailed, result.ExitCode);
        Assert.Equal(DeployOutcome.Refused, result.Record.Outcome);
        Assert.Equal("refused: `devops-agent check` found 1 error(s), first docker-compose.yml:12: POSTGRES_PASSWORD is a literal (compose-literal-secret)", result.Record.Error);
        Assert.Empty(runner.Commands);
        Assert.Equal([("check compose-literal-secret", true), ("check compose-network", false)], _observer.Checks.Select(c => (c.Name, c.Blocking)));
    }

    private static void CopyRules(Func<RecordingCommandRunner> source, RecordingCommandRunner target) => target.AppendRulesFrom(source());

    private sealed class MemoryHistory : IDeployHistory
    {
        public List<DeployRecord> Saved { get; } = [];

        public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
        {
            Saved.Add(record);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeployRecord>>([.. Saved]);

        public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Saved.LastOrDefault(r => r.Id == id));
    }

    private sealed class RecordingObserver : IDeployObserver
    {
        public List<CheckResult> Checks { get; } = [];

        public void StepStarted(string step)
        {
        }

        public void StepFinished(StepRecord step)
        {
        }

        public void CheckReported(CheckResult check) => Checks.Add(check);

        public void Output(string line)
        {
        }
    }
}
