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
        Description = "The application's directory, for \"required environment variables\" (default: the directory of devops-agent.yml).",
    };

    public static ProtocolContext Create(ParseResult parseResult, IDeployObserver observer)
    {
        var services = new AgentServices(parseResult);
        var config = services.Config;
        var configDirectory = ConfigDirectory(parseResult);
        var statePath = ProjectStateFile.PathFor(config, parseResult.GetValue(CommonOptions.Config)!);
        var projectDirectory = parseResult.GetValue(ProjectDirectory) ?? configDirectory;
        return new ProtocolContext
        {
            Config = config,
            ConnectAsync = services.ConnectAsync,
            History = services.History(),
            LoadState = () => statePath is null ? null : ProjectStateFile.Load(statePath),
            StateSource = statePath,
            LoadProjectAsync = async cancellationToken =>
            {
                await using var local = new LocalCommandRunner();
                return await ProjectLoader.LoadAsync(projectDirectory, local, cancellationToken);
            },
            Actor = AgentServices.Actor(),
            Observer = observer,
        };
    }

    public static string ConfigDirectory(ParseResult parseResult) =>
        Path.GetDirectoryName(Path.GetFullPath(parseResult.GetValue(CommonOptions.Config)!))!;
}
