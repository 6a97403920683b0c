using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Infrastructure.Protocol;

/// <summary>Finds and reads the Orchestrator's project-state file. Read-only: the agent never writes it.</summary>
public static class ProjectStateFile
{
    /// <summary>The configured path, relative paths taken from the directory of devops-agent.yml; null when none is configured.</summary>
    public static string? PathFor(AgentConfig config, string configPath) =>
        config.Orchestrator?.ProjectState is { } path
            ? System.IO.Path.GetFullPath(path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(configPath))!)
            : null;

    public static ProjectState Load(string path)
    {
        var text = YamlConfigLoader.ReadText(path, "the project state file, orchestrator/project_state in devops-agent.yml");
        return ProjectState.Read(YamlConfigLoader.Parse(text, path), path);
    }
}
