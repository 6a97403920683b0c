using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>Compose v2 is the docker CLI plugin (<c>docker compose</c>); v1 is the Python <c>docker-compose</c>.</summary>
public enum ComposeFlavor
{
    V2,
    V1,
}

public static class ComposeDetection
{
    /// <summary>Prints <c>v2</c> or <c>v1</c> on the server, preferring v2; fails when neither is installed.</summary>
    /// <remarks>
    /// v1 is found on the PATH, not asked its version: <c>docker-compose version</c> starts Python, 1.4–5 s on a loaded
    /// host before every deploy and rollback. A docker-compose that is there but broken fails at its first real
    /// command instead, whose error names that command and ends with docker-compose's own stderr.
    /// </remarks>
    public static ShellCommand Detect() =>
        ShellCommand.Raw("if docker compose version >/dev/null 2>&1; then echo v2; "
            + "elif command -v docker-compose >/dev/null 2>&1; then echo v1; "
            + "else echo 'neither docker compose (v2) nor docker-compose (v1) is installed' >&2; exit 127; fi");

    /// <summary>Detects the compose flavor on the server and returns the environment's compose commands.</summary>
    public static async Task<ComposeCommands> ForEnvironmentAsync(ICommandRunner runner, EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        var flavor = Parse((await runner.RunAsync(Detect(), cancellationToken)).EnsureSuccess(runner.Target).StandardOutput);
        return new ComposeCommands(flavor, environment.Path, environment.ComposeProject, environment.ComposeFiles);
    }

    public static ComposeFlavor Parse(string output) => output.Trim() switch
    {
        "v2" => ComposeFlavor.V2,
        "v1" => ComposeFlavor.V1,
        var other => throw new FormatException($"Unexpected compose detection output '{other}'."),
    };
}
