using DevOpsAgent.Core.Quality;
using DevOpsAgent.Infrastructure.Compose;
using DevOpsAgent.Infrastructure.Local;

namespace DevOpsAgent.Infrastructure.Projects;

/// <summary>Runs <c>check</c> on a project folder: its files, git's view of them, the compose schema when present.</summary>
public static class ProjectGate
{
    public static async Task<IReadOnlyList<Finding>> CheckAsync(string projectDirectory, string? schemaFile, CancellationToken cancellationToken)
    {
        await using var runner = new LocalCommandRunner();
        var project = await ProjectLoader.LoadAsync(projectDirectory, runner, cancellationToken);
        schemaFile ??= ComposeSchemaLocator.Find(projectDirectory);
        var validator = schemaFile is null ? null : ComposeSchemaValidator.FromText(await File.ReadAllTextAsync(schemaFile, cancellationToken));
        return [.. ProjectCheck.Run(project, validator is null ? null : validator.Validate)];
    }

    public static QualityGate For(string projectDirectory) => cancellationToken => CheckAsync(projectDirectory, null, cancellationToken);
}
