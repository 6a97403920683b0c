using System.CommandLine;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Projects;
using DevOpsAgent.Infrastructure.Protocol;

namespace DevOpsAgent.Cli.Commands;

/// <summary>The protocol's context built from the CLI's options: the same services deploy and status use.</summary>
internal static class ProtocolServices
{
    public static readonly Option<string?> ProjectDirectory = new("--project-dir")
    {
        Description = "The application's directory: what `check` examines before every deploy, and where required variables are read (default: the directory of devops-agent.yml).",
    };

    public static ProtocolContext Create(ParseResult parseResult, IDeployObserver observer)
    {
        var services = new AgentServices(parseResult);
        var config = services.Config;
        var statePath = ProjectStateFile.PathFor(config, parseResult.GetValue(CommonOptions.Config)!);
        var projectDirectory = ProjectDirectoryOf(parseResult);
        return new ProtocolContext
        {
            Config = config,
            ConnectAsync = services.ConnectAsync,
            History = services.OperationHistory(),
            LoadState = () => statePath is null ? null : ProjectStateFile.Load(statePath),
            StateSource = statePath,
            LoadProjectAsync = async cancellationToken =>
            {
                await using var local = new LocalCommandRunner();
                return await ProjectLoader.LoadAsync(projectDirectory, local, cancellationToken);
            },
            QualityGate = ProjectGate.For(projectDirectory, config),
            Actor = AgentServices.Actor(),
            Observer = observer,
        };
    }

    /// <summary>The application's files: --project-dir, else the folder of devops-agent.yml.</summary>
    public static string ProjectDirectoryOf(ParseResult parseResult) => parseResult.GetValue(ProjectDirectory) ?? ConfigDirectory(parseResult);

    public static string ConfigDirectory(ParseResult parseResult) =>
        Path.GetDirectoryName(Path.GetFullPath(parseResult.GetValue(CommonOptions.Config)!))!;
}
