using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>One container of a stack as <c>docker inspect</c> reports it.</summary>
public sealed record ContainerState(string Service, string Name, string Status, string Health)
{
    private const string Format =
        "{{index .Config.Labels \"com.docker.compose.service\"}}\t{{.Name}}\t{{.State.Status}}\t{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}";

    public bool IsRunning => Status == "running";

    /// <summary>Healthy, or running without a healthcheck to say otherwise.</summary>
    public bool IsReady => IsRunning && Health is "healthy" or "none";

    /// <summary>Service, name, status and health of every container of the stack (tab-separated lines).</summary>
    public static ShellCommand Inspect(ComposeCommands compose) =>
        compose.ContainerIds().Pipe(ShellCommand.Of("xargs", "-r", "docker", "inspect", "--format", Format));

    public static IReadOnlyList<ContainerState> ParseAll(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 4)
            .Select(fields => new ContainerState(fields[0], fields[1].TrimStart('/'), fields[2], fields[3]))];
}
