using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>A two-environment configuration, a project state and in-memory history for protocol workflow tests.</summary>
public static class ProtocolFakes
{
    public const string Commit = "1111111111111111111111111111111111111111";
    public const string Previous = "2222222222222222222222222222222222222222";

    public static EnvironmentConfig Environment(string name, string defaultRef) => new()
    {
        Name = name,
        Server = $"{name}.example.com",
        User = "deploy",
        Path = "/var/www/shop",
        DefaultRef = GitRef.Parse(defaultRef),
        ComposeProject = $"shop-{name}",
        ComposeFiles = ["docker-compose.prod.yml"],
        Health = new HealthConfig { Timeout = TimeSpan.FromMilliseconds(200), Interval = TimeSpan.FromMilliseconds(10), Frontend = "http://localhost:8080/" },
    };

    public static readonly AgentConfig Config = new()
    {
        Project = "shop",
        Repository = "/srv/git/shop.git",
        ComposeFiles = ["docker-compose.prod.yml"],
        Environments = new Dictionary<string, EnvironmentConfig>
        {
            ["staging"] = Environment("staging", "staging"),
            ["production"] = Environment("production", "v1.1.0") with { PreflightTestedOn = "staging" },
        },
    };

    public static RecordingCommandRunner HealthyServer(string tag = "") => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("docker compose version", standardOutput: "v2\n")
        .Answer("if mkdir", standardOutput: "acquired\n")
        .Answer("rev-parse --verify --quiet 'refs/remotes/origin/", standardOutput: Commit + "\n")
        .Answer("rev-parse --verify --quiet 'refs/tags/", standardOutput: Commit + "\n")
        .Answer("rev-parse --verify --quiet HEAD", standardOutput: Previous + "\n")
        .Answer("describe --tags", exitCode: tag.Length == 0 ? 128 : 0, standardOutput: tag)
        .Answer("config --services", standardOutput: "db\nbackend\nfrontend\n")
        .Answer("xargs -r docker inspect", standardOutput: "db\t/shop-staging-db-1\trunning\thealthy\nbackend\t/shop-staging-backend-1\trunning\thealthy\nfrontend\t/shop-staging-frontend-1\trunning\thealthy\n")
        .Answer("http://localhost:8080/", standardOutput: "<html></html>\n200");

    public static ProtocolContext Context(RecordingCommandRunner runner, MemoryHistory history, string? state = TaskGateTests.StateYaml) => new()
    {
        Config = Config,
        ConnectAsync = (_, _) => Task.FromResult<ICommandRunner>(runner),
        History = history,
        LoadState = () => state is null ? null : ProjectState.Read(YamlConfigLoader.Parse(state), "project-state.yml"),
        StateSource = "project-state.yml",
        Actor = "orchestrator@ci",
    };
}

public sealed class MemoryHistory : IDeployHistory
{
    public List<DeployRecord> Saved { get; } = [];

    public Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
    {
        Saved.RemoveAll(r => r.Id == record.Id);
        Saved.Add(record);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeployRecord>>([.. Saved.Where(r => environment is null || r.Environment == environment).OrderByDescending(r => r.StartedAt).Take(limit)]);

    public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Saved.LastOrDefault(r => r.Id == id));
}
