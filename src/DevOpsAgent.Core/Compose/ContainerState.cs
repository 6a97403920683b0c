using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>One container of a stack as <c>docker inspect</c> reports it.</summary>
public sealed record ContainerState(string Service, string Name, string Status, string Health)
{
    public const string Format =
        "{{index .Config.Labels \"com.docker.compose.service\"}}\t{{.Name}}\t{{.State.Status}}\t{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}"
        + "\t{{.HostConfig.RestartPolicy.Name}}\t{{.State.ExitCode}}\t{{.RestartCount}}";

    /// <summary>The restart policy (<c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c>); empty when unknown.</summary>
    public string RestartPolicy { get; init; } = "";

    public int ExitCode { get; init; }

    public int RestartCount { get; init; }

    /// <summary>
    /// Exited (or dead) with an error and no policy that will start it again: waiting for it to become healthy is
    /// waiting for nothing.
    /// </summary>
    public bool IsGoneForGood => Status == "dead" || (Status == "exited" && ExitCode != 0 && RestartPolicy is "no" or "");

    public bool IsRunning => Status == "running";

    /// <summary>Healthy, or running without a healthcheck to say otherwise.</summary>
    public bool IsReady => IsRunning && Health is "healthy" or "none";

    /// <summary>Service, name, status and health of every container of the stack (tab-separated lines).</summary>
    public static ShellCommand Inspect(ComposeCommands compose) =>
        compose.ContainerIds().Pipe(ShellCommand.Of("xargs", "-r", "docker", "inspect", "--format", Format));

    public static IReadOnlyList<ContainerState> ParseAll(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length is 4 or 7)
            .Select(fields => new ContainerState(fields[0], fields[1].TrimStart('/'), fields[2], fields[3])
            {
                RestartPolicy = fields.Length == 7 ? fields[4] : "",
                ExitCode = fields.Length == 7 && int.TryParse(fields[5], out var exit) ? exit : 0,
                RestartCount = fields.Length == 7 && int.TryParse(fields[6], out var restarts) ? restarts : 0,
            })];
}
