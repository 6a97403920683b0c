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
    public static ShellCommand Detect() =>
        ShellCommand.Raw("if docker compose version >/dev/null 2>&1; then echo v2; "
            + "elif docker-compose version >/dev/null 2>&1; then echo v1; "
            + "else echo 'neither docker compose (v2) nor docker-compose (v1) is installed' >&2; exit 127; fi");

    public static ComposeFlavor Parse(string output) => output.Trim() switch
    {
        "v2" => ComposeFlavor.V2,
        "v1" => ComposeFlavor.V1,
        var other => throw new FormatException($"Unexpected compose detection output '{other}'."),
    };
}
