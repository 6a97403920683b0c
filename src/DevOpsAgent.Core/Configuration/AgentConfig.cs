using System.Text.RegularExpressions;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Configuration;

/// <summary>devops-agent.yml: the project, where its code comes from, and its environments. Holds no secrets.</summary>
public sealed partial record AgentConfig
{
    /// <summary>The longest project or environment name (they become compose project names and folder names).</summary>
    public const int MaxNameLength = 100;

    public required string Project { get; init; }

    /// <summary>The git URL or path the servers fetch from.</summary>
    public required string Repository { get; init; }

    public required IReadOnlyList<string> ComposeFiles { get; init; }

    public required IReadOnlyDictionary<string, EnvironmentConfig> Environments { get; init; }

    /// <summary>How alembic runs; null when the project has no migrations.</summary>
    public MigrationsConfig? Migrations { get; init; }

    /// <summary>The optional <c>orchestrator:</c> section (project state, reports); null when absent.</summary>
    public OrchestratorConfig? Orchestrator { get; init; }

    /// <summary>
    /// The optional top-level <c>history:</c>: a postgresql:// URL (or Host=…;Database=… string) of a shared history, or a
    /// SQLite file. May hold a password (use <c>${VAR}</c>), which the location never prints or serializes.
    /// </summary>
    public global::DevOpsAgent.Core.History.HistoryLocation? History { get; init; }

    public EnvironmentConfig Environment(string name) =>
        Environments.TryGetValue(name, out var environment)
            ? environment
            : throw new ConfigurationException("devops-agent.yml",
                [$"environments/{Errors.InputText.Quote(name)}: no such environment (configured: {string.Join(", ", Environments.Keys)})"]);

    /// <summary>Validates a whole document at once; throws with every problem, each naming its path.</summary>
    public static AgentConfig Read(ConfigNode root, IReadOnlyDictionary<string, string> environment, string source = "devops-agent.yml")
    {
        var reader = new ConfigReader(environment);
        var mapping = reader.Mapping(root);
        if (mapping is null)
        {
            throw new ConfigurationException(source, reader.Problems);
        }

        reader.AllowOnly(mapping, "project", "repository", "compose_files", "migrations", "environments", "orchestrator", "history");
        var project = reader.RequiredString(mapping, "project");
        if (project.Length > MaxNameLength)
        {
            reader.Problem(mapping["project"]!, $"should be at most {MaxNameLength} characters");
        }
        else if (project.Length > 0 && !ProjectName().IsMatch(project))
        {
            reader.Problem(mapping["project"]!, "should be lowercase letters, digits, '-' or '_', starting with a letter or digit");
        }

        var composeFiles = reader.StringList(mapping, "compose_files");
        var environments = new Dictionary<string, EnvironmentConfig>();
        var environmentsNode = reader.Mapping(mapping["environments"]);
        if (environmentsNode is null || environmentsNode.Entries.Count == 0)
        {
            reader.Problem("environments", "required (at least one environment)");
        }

        foreach (var (name, node) in environmentsNode?.Entries ?? [])
        {
            if (name.Length > MaxNameLength || !ProjectName().IsMatch(name))
            {
                reader.Problem(node, $"environment names are lowercase letters, digits, '-' or '_', at most {MaxNameLength} characters");
            }
            else if (reader.Mapping(node) is { } environmentNode)
            {
                environments[name] = EnvironmentConfig.Read(reader, project, composeFiles.Count > 0 ? composeFiles : ["docker-compose.yml"], name, environmentNode);
            }
        }

        var historyText = reader.String(mapping, "history");
        string? historyProblem = null;
        var history = historyText is null ? null : global::DevOpsAgent.Core.History.HistoryLocation.TryParse(historyText, out historyProblem);
        if (historyProblem is not null)
        {
            reader.Problem(mapping["history"]!, historyProblem);
        }

        var config = new AgentConfig
        {
            History = history,
            Project = project,
            Repository = reader.RequiredString(mapping, "repository"),
            ComposeFiles = composeFiles,
            Environments = environments,
            Migrations = MigrationsConfig.Read(reader, reader.Mapping(mapping["migrations"])),
            Orchestrator = OrchestratorConfig.Read(reader, reader.Mapping(mapping["orchestrator"])),
        };
        foreach (var target in environments.Values.Where(e => e.PreflightTestedOn is not null && !environments.ContainsKey(e.PreflightTestedOn)))
        {
            reader.Problem($"environments/{target.Name}/preflight/tested_on", $"no such environment '{target.PreflightTestedOn}'");
        }

        return reader.Problems.Count > 0 ? throw new ConfigurationException(source, reader.Problems) : config;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z")]
    private static partial Regex ProjectName();
}
