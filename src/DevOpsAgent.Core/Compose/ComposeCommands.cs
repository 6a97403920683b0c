using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// Compose commands for one stack on one server, run from the app folder so that relative paths and the
/// server's .env resolve as they would by hand. Pure: builds, never runs.
/// </summary>
public sealed record ComposeCommands(ComposeFlavor Flavor, string AppPath, string ProjectName, IReadOnlyList<string> Files)
{
    public ShellCommand Build() => Compose("build");

    public ShellCommand Up() => Compose("up", "-d", "--remove-orphans");

    /// <summary>Starts (or keeps) only these services, without their dependencies.</summary>
    public ShellCommand UpServices(params string[] services) => Compose(["up", "-d", "--no-deps", .. services]);

    /// <summary>Names of the services the compose files define, one per line.</summary>
    public ShellCommand Services() => Compose("config", "--services");

    /// <summary>Container ids of the stack's long-running services (not one-off <c>run</c> containers).</summary>
    public ShellCommand ContainerIds() => Compose("ps", "-q");

    public ShellCommand Logs(int tail, string? service = null, bool follow = false) =>
        Compose(["logs", "--no-color", "--timestamps", $"--tail={tail}", .. follow ? new[] { "--follow" } : [], .. Optional(service)]);

    /// <summary>A one-off container of <paramref name="service"/>, removed afterwards; the running stack is untouched.</summary>
    public ShellCommand Run(string service, params string[] command) =>
        Compose(["run", "--rm", "-T", "--no-deps", service, .. command]);

    /// <summary>A command inside the running container of <paramref name="service"/>.</summary>
    public ShellCommand Exec(string service, params string[] command) => Compose(["exec", "-T", service, .. command]);

    public ShellCommand Restart(string? service = null) => Compose(["restart", .. Optional(service)]);

    public ShellCommand Down(bool removeVolumes) => Compose(["down", "--remove-orphans", .. removeVolumes ? new[] { "--volumes" } : []]);

    private ShellCommand Compose(params string[] arguments)
    {
        var program = Flavor == ComposeFlavor.V2 ? new[] { "docker", "compose" } : ["docker-compose"];
        string[] projectAndFiles = ["-p", ProjectName, .. Files.SelectMany(file => new[] { "-f", file })];
        return ShellCommand.Of(program[0], [.. program.Skip(1), .. projectAndFiles, .. arguments]).InDirectory(AppPath);
    }

    private static string[] Optional(string? value) => value is null ? [] : [value];
}
