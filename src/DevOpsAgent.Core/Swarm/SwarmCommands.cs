using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// Docker Swarm commands for one stack, run on a manager from the app folder. A command that needs the .env's
/// values (the stack deploy interpolates the stack file with them; the one-off migration passes the service's
/// variables by name) sources the protected .env in a subshell: the values live only in that shell's environment,
/// never in a command line, the stack file or any output. Pure: builds, never runs.
/// </summary>
public sealed record SwarmCommands(string AppPath, string Stack)
{
    /// <summary>The stack file the agent generates, relative to the app folder.</summary>
    public const string StackFile = ".devops-agent/swarm/stack.yml";

    /// <summary>A compose override naming each built service's release image, so <c>compose build</c> tags it so.</summary>
    public const string ImagesFile = ".devops-agent/swarm/images.yml";

    /// <summary>Writes <paramref name="text"/> (never a secret: the files are uninterpolated) to a file of the app folder.</summary>
    public ShellCommand Write(string relativePath, string text) => ServerFiles.WriteAtomically($"{AppPath}/{relativePath}", text);

    /// <summary>The override for <see cref="ImagesFile"/>: <c>services: { backend: { image: … } }</c>.</summary>
    public static string ImagesOverride(IEnumerable<KeyValuePair<string, string>> images) =>
        "services:\n" + string.Concat(images.Select(i => $"  {i.Key}:\n    image: {i.Value}\n"));

    /// <summary>Pushes one release image to the environment's registry.</summary>
    public static ShellCommand Push(string image) => ShellCommand.Of("docker", "push", image);

    /// <summary>Whether this engine is a Swarm manager: prints <c>active true</c> on one.</summary>
    public static ShellCommand Manager() => ShellCommand.Of("docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");

    /// <summary>
    /// Creates or updates the stack. <c>--resolve-image never</c>: nodes pull the release's tag from the registry
    /// (and keep base images they already have) instead of the client asking registries for digests it may not reach.
    /// </summary>
    public ShellCommand Deploy() =>
        WithDotenv(ShellCommand.Of("docker", "stack", "deploy", "--with-registry-auth", "--prune", "--resolve-image", "never", "-c", StackFile, Stack));

    /// <summary>Creates or updates the edge's own stack (<see cref="SwarmEdgeStack"/>); the .env gives its published port.</summary>
    public ShellCommand DeployEdge(SwarmEdgeTarget edge) =>
        WithDotenv(ShellCommand.Of("docker", "stack", "deploy", "--with-registry-auth", "--prune", "--resolve-image", "never", "-c", SwarmEdgeStack.StackFile, edge.EdgeStack));

    /// <summary>The stack's services, one per line: name, mode, replicas (<c>shop_backend replicated 1/1</c>).</summary>
    public ShellCommand Services() =>
        ShellCommand.Of("docker", "service", "ls", "--filter", $"label=com.docker.stack.namespace={Stack}", "--format", "{{.Name}} {{.Mode}} {{.Replicas}}");

    /// <summary>
    /// Each existing service's spec image and update state, tab-separated, one line each:
    /// <c>shop_backend	10.77.0.1:5000/shop-backend:abc	completed	2026-12-04 06:40:13 +0000 UTC</c>; the state is
    /// <c>updating</c>, <c>completed</c>, <c>paused</c>, <c>rollback_started</c>, <c>rollback_completed</c>… or
    /// <c>none</c> for a service never updated. <c>stack deploy</c> exits 0 even when Swarm then rolls the update
    /// back: this is how the deploy learns what happened.
    /// </summary>
    public ShellCommand Inspect(IEnumerable<string> services) =>
        ShellCommand.Of("docker", ["service", "inspect", "--format",
            "{{.Spec.Name}}\t{{.Spec.TaskTemplate.ContainerSpec.Image}}\t{{if .UpdateStatus}}{{.UpdateStatus.State}}\t{{.UpdateStatus.StartedAt}}{{else}}none\t{{end}}",
            .. services.Select(Name)]);

    /// <summary>
    /// The tasks Swarm wants running, one per line: task name and current state (<c>shop_backend.1	Running 5 seconds ago</c>).
    /// <c>service ls</c>' replicas count every task last seen running: a task draining after its replacement, or one on a
    /// node that went down and was already replaced elsewhere, still counts there (<c>2/1</c>).
    /// </summary>
    public ShellCommand RunningTasks(IEnumerable<string> services) =>
        ShellCommand.Of("docker", ["service", "ps", "--filter", "desired-state=running", "--format", "{{.Name}}\t{{.CurrentState}}", .. services.Select(Name)]);

    /// <summary>
    /// The tasks an update replaced (desired state shutdown) with their current state: one still <c>Running</c> is
    /// draining (it serves its callers' cached addresses until its stop grace period ends).
    /// </summary>
    public ShellCommand ReplacedTasks(IEnumerable<string> services) =>
        ShellCommand.Of("docker", ["service", "ps", "--filter", "desired-state=shutdown", "--format", "{{.Name}}\t{{.CurrentState}}", .. services.Select(Name)]);

    /// <summary>
    /// pg_isready in the database service's task on this node (a stateful service is placed on the manager), as the
    /// container's own POSTGRES_USER.
    /// </summary>
    public ShellCommand PgIsReady(string service) =>
        ShellCommand.Raw($"id=$(docker ps -q --filter {ShellQuoting.Quote($"label=com.docker.swarm.service.name={Name(service)}")} | head -n 1)"
            + $" && [ -n \"$id\" ] && docker exec \"$id\" sh -c 'pg_isready -U \"${{POSTGRES_USER:-postgres}}\"'");

    /// <summary>One service's recent tasks, newest first: name, image, node, desired and current state, error (why an update failed).</summary>
    public ShellCommand Tasks(string service) =>
        ShellCommand.Of("docker", "service", "ps", "--no-trunc", "--format", "{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}", Name(service));

    /// <summary>Back to the spec the service ran before its last update, without waiting (the deploy polls <see cref="UpdateStates"/>).</summary>
    public ShellCommand Rollback(string service) => ShellCommand.Of("docker", "service", "rollback", "--detach", Name(service));

    public ShellCommand Logs(string service, int tail) =>
        ShellCommand.Of("docker", "service", "logs", "--no-task-ids", "--timestamps", $"--tail={tail}", Name(service));

    /// <summary>
    /// `devops-agent logs` of a Swarm: the last <paramref name="tail"/> lines of <paramref name="service"/> (null: every
    /// service of the stack), stdout and stderr together, all services read at once; with <paramref name="follow"/>
    /// until interrupted. Lines as <c>docker service logs --timestamps --no-task-ids</c> prints them
    /// (<see cref="Health.LogScanner.FromSwarm"/> reads them).
    /// </summary>
    public ShellCommand StackLogs(string? service, int tail, bool follow)
    {
        var logs = $"docker service logs --no-task-ids --timestamps --tail={tail}{(follow ? " --follow" : "")}";
        return service is not null
            ? ShellCommand.Raw($"{logs} {ShellQuoting.Quote(Name(service))} 2>&1")
            : ShellCommand.Raw($"for s in $(docker service ls -q --filter {ShellQuoting.Quote($"label=com.docker.stack.namespace={Stack}")}); do {logs} \"$s\" 2>&1 & done; wait");
    }

    /// <summary>The last <paramref name="tail"/> lines of each service, stdout and stderr (where services log errors) together.</summary>
    public ShellCommand LogsOf(IEnumerable<string> services, int tail) =>
        ShellCommand.Raw(string.Join("; ", services.Select(s => $"{Logs(s, tail).Text} 2>&1")) + "; true");

    /// <summary>
    /// A one-off container of <paramref name="image"/> on the stack's (attachable) network, removed afterwards: the
    /// migration runs before any service is updated. <paramref name="environment"/>'s variables with a value are
    /// passed as written; those without one by name, from the sourced .env.
    /// </summary>
    public ShellCommand OneOff(string image, string network, IEnumerable<KeyValuePair<string, string?>> environment, params string[] command) =>
        WithDotenv(ShellCommand.Of("docker",
        [
            "run", "--rm", "--network", NetworkName(network),
            .. environment.SelectMany(e => new[] { "-e", e.Value is null ? e.Key : $"{e.Key}={e.Value}" }),
            image, .. command,
        ]));

    /// <summary>Whether the stack's network exists (it does once the stack was deployed): prints its name.</summary>
    public ShellCommand NetworkExists(string network) =>
        ShellCommand.Of("docker", "network", "ls", "--filter", $"name=^{NetworkName(network)}$", "--format", "{{.Name}}");

    /// <summary>Removes the whole stack (its services and networks; volumes stay).</summary>
    public ShellCommand Remove() => ShellCommand.Of("docker", "stack", "rm", Stack);

    /// <summary>The Swarm name of a stack service: <c>&lt;stack&gt;_&lt;service&gt;</c>.</summary>
    public string Name(string service) => $"{Stack}_{service}";

    public string NetworkName(string network) => $"{Stack}_{network}";

    private ShellCommand WithDotenv(ShellCommand command) =>
        ShellCommand.Raw($"( set -a && . ./.env && set +a && {command.Text} )").InDirectory(AppPath);
}
