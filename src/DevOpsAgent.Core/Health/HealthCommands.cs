using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Health;

public static class HealthCommands
{
    /// <summary>
    /// Requests a URL on the server; prints the body, then the status code on the last line (000 when
    /// nothing answered). Always exits 0 so the answer, not curl, decides.
    /// </summary>
    public static ShellCommand HttpProbe(string url) =>
        ShellCommand.Of("curl", "--silent", "--show-error", "--max-time", "5", "--write-out", "\\n%{http_code}", url)
            .Or(ShellCommand.Raw("true"));

    /// <summary>
    /// pg_isready inside the database container, as the container's own POSTGRES_USER: asked as root, PostgreSQL
    /// answers all the same but logs <c>FATAL: role "root" does not exist</c>, which the log scan would report.
    /// </summary>
    public static ShellCommand PgIsReady(ComposeCommands compose, string service) =>
        compose.Exec(service, "sh", "-c", "pg_isready -U \"${POSTGRES_USER:-postgres}\"");

    /// <summary>
    /// The container's own healthcheck, run now with <c>docker exec</c> the way Docker runs it (CMD directly,
    /// CMD-SHELL through <c>/bin/sh -c</c>): a container whose first probe is still pending (Docker waits a whole
    /// interval before it) is judged by the same test without waiting for it.
    /// </summary>
    public static ShellCommand ProbeNow(ContainerState container)
    {
        var test = container.HealthTest;
        return test.Count switch
        {
            >= 2 when test[0] == "CMD" => ShellCommand.Of("timeout", ["10", "docker", "exec", container.Name, .. test.Skip(1)]),
            2 when test[0] == "CMD-SHELL" => ShellCommand.Of("timeout", "10", "docker", "exec", container.Name, "/bin/sh", "-c", test[1]),
            _ => throw new ArgumentException($"{container.Name} has no healthcheck the agent can run ({string.Join(' ', test)})", nameof(container)),
        };
    }

    /// <summary>Splits <see cref="HttpProbe"/> output into status and body.</summary>
    public static (int Status, string Body) ParseProbe(string output)
    {
        var trimmed = output.TrimEnd('\n');
        var newline = trimmed.LastIndexOf('\n');
        var statusText = newline < 0 ? trimmed : trimmed[(newline + 1)..];
        var body = newline < 0 ? "" : trimmed[..newline];
        return int.TryParse(statusText, out var status) ? (status, body) : (0, trimmed);
    }
}
