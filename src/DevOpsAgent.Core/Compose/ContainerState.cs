using System.Text.Json;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>One container of a stack as <c>docker inspect</c> reports it.</summary>
public sealed record ContainerState(string Service, string Name, string Status, string Health)
{
    public const string Format =
        "{{index .Config.Labels \"com.docker.compose.service\"}}\t{{.Name}}\t{{.State.Status}}\t{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}"
        + "\t{{.HostConfig.RestartPolicy.Name}}\t{{.State.ExitCode}}\t{{.RestartCount}}\t{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}";

    /// <summary>The restart policy (<c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c>); empty when unknown.</summary>
    public string RestartPolicy { get; init; } = "";

    public int ExitCode { get; init; }

    public int RestartCount { get; init; }

    /// <summary>The container's healthcheck as Docker stores it (<c>["CMD-SHELL", "pg_isready"]</c>, <c>["CMD", "curl", …]</c>); empty without one.</summary>
    public IReadOnlyList<string> HealthTest { get; init; } = [];

    /// <summary>
    /// Running, its healthcheck not yet judged by Docker (the first probe comes only after the interval), and a
    /// test the agent can run itself in the container.
    /// </summary>
    public bool AwaitsFirstProbe => IsRunning && Health == "starting" && CanProbe;

    /// <summary>
    /// Running and judged unhealthy by Docker: its healthcheck failed <c>retries</c> times in a row after its
    /// <c>start_period</c>, the thresholds the stack's author chose.
    /// </summary>
    public bool IsUnhealthy => IsRunning && Health == "unhealthy";

    /// <summary>A healthcheck the agent can run itself in the container (<c>CMD …</c> or <c>CMD-SHELL "…"</c>).</summary>
    public bool CanProbe => HealthTest.Count >= 2 && (HealthTest[0] == "CMD" || (HealthTest[0] == "CMD-SHELL" && HealthTest.Count == 2));

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
            .Where(fields => fields.Length is 4 or 7 or 8)
            .Select(fields => new ContainerState(fields[0], fields[1].TrimStart('/'), fields[2], fields[3])
            {
                RestartPolicy = fields.Length >= 7 ? fields[4] : "",
                ExitCode = fields.Length >= 7 && int.TryParse(fields[5], out var exit) ? exit : 0,
                RestartCount = fields.Length >= 7 && int.TryParse(fields[6], out var restarts) ? restarts : 0,
                HealthTest = fields.Length == 8 ? ParseTest(fields[7]) : [],
            })];

    private static string[] ParseTest(string json)
    {
        try
        {
            return json.Length == 0 ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
