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
