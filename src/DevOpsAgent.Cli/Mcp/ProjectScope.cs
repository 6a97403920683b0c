using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// Which folders an MCP caller may have examined: the configured project directory (--project-dir, else the
/// folder of devops-agent.yml) and folders inside it, symbolic links resolved on both sides, so a caller cannot
/// point the read-only tools at any repository on the machine.
/// </summary>
public static class ProjectScope
{
    public static string Resolve(string? requested, string projectDirectory)
    {
        var project = LocalFiles.RealPath(projectDirectory);
        if (requested is null)
        {
            return project;
        }

        var full = LocalFiles.RealPath(Path.GetFullPath(requested, project));
        if (full != project && !full.StartsWith(project.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new InvalidInputException($"'{InputText.Quote(requested)}' is outside the project directory {InputText.Quote(project)}: "
                + "check examines the configured project only (start the server with --project-dir to choose another)");
        }

        return Directory.Exists(full) ? full : throw new InvalidInputException($"no folder '{InputText.Quote(requested)}' in the project directory");
    }
}
