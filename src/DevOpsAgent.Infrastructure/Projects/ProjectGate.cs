using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Infrastructure.Compose;
using DevOpsAgent.Infrastructure.Local;

namespace DevOpsAgent.Infrastructure.Projects;

/// <summary>Runs <c>check</c> on a project folder: its files, git's view of them, the compose schema when present.</summary>
public static class ProjectGate
{
    public static Task<IReadOnlyList<Finding>> CheckAsync(string projectDirectory, string? schemaFile, CancellationToken cancellationToken) =>
        CheckAsync(projectDirectory, schemaFile, null, cancellationToken);

    /// <param name="config">The loaded configuration, whose environments' compose_files say what deploys; null reads the project's devops-agent.yml.</param>
    public static async Task<IReadOnlyList<Finding>> CheckAsync(string projectDirectory, string? schemaFile, AgentConfig? config, CancellationToken cancellationToken)
    {
        await using var runner = new LocalCommandRunner();
        var project = await ProjectLoader.LoadAsync(projectDirectory, runner, cancellationToken);
        if (config is not null)
        {
            project = project with { ConfiguredSets = ComposeSets.FromAgentConfig(config) };
        }

        schemaFile ??= ComposeSchemaLocator.Find(projectDirectory);
        var validator = schemaFile is null ? null : ComposeSchemaValidator.FromText(await File.ReadAllTextAsync(schemaFile, cancellationToken));
        return [.. ProjectCheck.Run(project, validator is null ? null : validator.Validate)];
    }

    /// <summary>The deploy's gate: the sets the loaded configuration deploys are the ones linted as deployed.</summary>
    public static QualityGate For(string projectDirectory, AgentConfig config) => cancellationToken => CheckAsync(projectDirectory, null, config, cancellationToken);
}
