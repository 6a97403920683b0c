using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// Compose commands for one stack on one server, run from the app folder so that relative paths and the
/// server's .env resolve as they would by hand. Commands that change the stack (build, up, run, restart, down)
/// hold <c>flock</c> on the app folder while they run: a command left running on the server by an agent that was
/// killed, cut off or cancelled (sshd does not stop it) finishes before the next agent's recovery starts its own,
/// so two <c>up</c>s never race. Pure: builds, never runs.
/// </summary>
public sealed record ComposeCommands(ComposeFlavor Flavor, string AppPath, string ProjectName, IReadOnlyList<string> Files)
{
    /// <summary>
    /// Set for the projects the agent generated (zero-downtime slots and data), whose every container carries
    /// compose's labels: the read-only commands (container ids, exec, logs) then ask the Docker CLI by those labels
    /// instead of compose. docker-compose v1 is a Python program that takes 1–3 s to start on a loaded 2-core
    /// server where <c>docker ps</c> takes 30 ms, and a rollback's health checks and alembic calls made a dozen of
    /// them. Commands that change the stack still go through compose.
    /// </summary>
    public bool QueriedByLabel { get; init; }

    /// <summary>The services of the compose file as the agent rendered it, so they need not be asked of compose (<see cref="Services"/>).</summary>
    public IReadOnlyList<string>? KnownServices { get; init; }

    public ShellCommand Build() => Changing("build");

    public ShellCommand Up() => Changing("up", "-d", "--remove-orphans");

    /// <summary>Creates (or recreates) the stack's containers and networks without starting them.</summary>
    public ShellCommand Create() => Changing("up", "--no-start", "--remove-orphans");

    /// <summary>
    /// Starts these services' existing containers (created by <see cref="Create"/>, or stopped), recreating none and
    /// waiting on no dependency: compose (v1 connects a container's further networks only when it starts it) and not
    /// <c>docker start</c>, so every network and alias the file gives is there.
    /// </summary>
    public ShellCommand StartCreated(IReadOnlyList<string> services) => Changing(["up", "-d", "--no-deps", "--no-recreate", .. services]);

    /// <summary>Starts (or keeps) only these services, without their dependencies.</summary>
    public ShellCommand UpServices(params string[] services) => Changing(["up", "-d", "--no-deps", .. services]);

    /// <summary>Names of the services the compose files define, one per line.</summary>
    public ShellCommand Services() => Compose("config", "--services");

    /// <summary>Container ids of the stack's long-running services (not one-off <c>run</c> containers).</summary>
    public ShellCommand ContainerIds() => QueriedByLabel ? DockerPs(null, all: true) : Compose("ps", "-q");

    /// <summary>Container ids of one service of the stack.</summary>
    public ShellCommand ContainerIdsOf(string service) => QueriedByLabel ? DockerPs(service, all: true) : Compose("ps", "-q", service);

    /// <summary>
    /// The last lines of each container, each line after its container's name and <c>|</c> as compose prints them
    /// (a generated project's read container by container with <c>docker logs</c>, which <see cref="Health.LogScanner"/> reads alike).
    /// </summary>
    public ShellCommand Logs(int tail, string? service = null, bool follow = false) => !QueriedByLabel || follow
        ? Compose(["logs", "--no-color", "--timestamps", $"--tail={tail}", .. follow ? new[] { "--follow" } : [], .. Optional(service)])
        : ShellCommand.Raw($"for id in $({DockerPs(service, all: true).Text}); do name=$(docker inspect --format '{{{{.Name}}}}' \"$id\"); "
            + $"docker logs --timestamps --tail={tail} \"$id\" 2>&1 | awk -v name=\"${{name#/}}\" '{{ print name \" | \" $0 }}'; done");

    /// <summary>A one-off container of <paramref name="service"/>, removed afterwards; the running stack is untouched.</summary>
    public ShellCommand Run(string service, params string[] command) =>
        Changing(["run", "--rm", "-T", "--no-deps", service, .. command]);

    /// <summary>A command inside the running container of <paramref name="service"/>.</summary>
    public ShellCommand Exec(string service, params string[] command)
    {
        if (!QueriedByLabel)
        {
            return Compose(["exec", "-T", service, .. command]);
        }

        // In a subshell, so that the exit for a service without a running container ends only this command.
        var missing = ShellQuoting.Quote($"service {service} of {ProjectName} is not running");
        return ShellCommand.Raw($"(id=$({DockerPs(service, all: false).Text} | head -n1); [ -n \"$id\" ] || {{ echo {missing} >&2; exit 1; }}; "
            + $"docker exec \"$id\" {ShellCommand.Of(command[0], command.Skip(1)).Text})");
    }

    /// <summary>Starts what is not running, never recreating a container that exists (a data project's database).</summary>
    public ShellCommand UpNoRecreate() => Changing("up", "-d", "--no-recreate");

    /// <summary>Stops the stack's containers and keeps them (and their images) for a later <see cref="Start"/>.</summary>
    public ShellCommand Stop() => Changing("stop");

    /// <summary>Starts the stack's existing, stopped containers as they were.</summary>
    public ShellCommand Start() => Changing("start");

    public ShellCommand Restart(string? service = null) => Changing(["restart", .. Optional(service)]);

    public ShellCommand Down(bool removeVolumes) => Changing(["down", "--remove-orphans", .. removeVolumes ? new[] { "--volumes" } : []]);

    /// <summary>The project's containers (of one service), long-running ones only: compose labels one-off <c>run</c> containers <c>oneoff=True</c>.</summary>
    private ShellCommand DockerPs(string? service, bool all) => ShellCommand.Of("docker", [
        "ps", all ? "-aq" : "-q", "--filter", $"label=com.docker.compose.project={ProjectName}",
        .. service is null ? [] : new[] { "--filter", $"label=com.docker.compose.service={service}" }, "--filter", "label=com.docker.compose.oneoff=False"]);

    private ShellCommand Compose(params string[] arguments) => ShellCommand.Of(Program[0], [.. Program.Skip(1), .. ProjectAndFiles, .. arguments]).InDirectory(AppPath);

    private ShellCommand Changing(params string[] arguments) => ShellCommand.Of("flock", [".", .. Program, .. ProjectAndFiles, .. arguments]).InDirectory(AppPath);

    private string[] Program => Flavor == ComposeFlavor.V2 ? ["docker", "compose"] : ["docker-compose"];

    private string[] ProjectAndFiles => ["-p", ProjectName, .. Files.SelectMany(file => new[] { "-f", file })];

    private static string[] Optional(string? value) => value is null ? [] : [value];
}
