using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// The steps a Swarm deploy and rollback share, on the manager: the stack file of a checked-out release, its build
/// and push, the database through one-off containers on the stack's network, the stack deploy, the wait on every
/// service's update state, and the health checks through the published edge.
/// </summary>
public sealed partial class SwarmStack(DeploySteps steps, AgentConfig config, EnvironmentConfig environment, bool dryRun)
{
    private ICommandRunner Runner => steps.Runner;

    public SwarmConfig Swarm { get; } = environment.Swarm ?? throw new InvalidOperationException($"{environment.Name} is not engine: swarm");

    public SwarmCommands Commands { get; } = new(environment.Path, environment.ComposeProject);

    /// <summary>The tag of a release's images: its commit, short.</summary>
    public static string ReleaseTag(string commit) => DeployWorker.ShortCommit(commit);

    /// <summary>The checked-out compose files made into the stack file of <paramref name="commit"/>, and written next to them.</summary>
    public async Task<SwarmStackFile> WriteStackFileAsync(string commit, CancellationToken ct)
    {
        var files = new List<ProjectFile>();
        foreach (var file in environment.ComposeFiles)
        {
            var content = (await steps.CommandAsync(ShellCommand.Of("cat", "--", file).InDirectory(environment.Path), ct)).StandardOutput;
            files.Add(new ProjectFile(file, content));
        }

        var stack = SwarmStackFile.From(files, config.Project, ReleaseTag(commit), Swarm, environment.ComposeProject);
        foreach (var note in stack.Notes)
        {
            steps.Observer.CheckReported(new CheckResult("stack file", false, note) { Blocking = false });
        }

        await steps.CommandAsync(Commands.Write(SwarmCommands.StackFile, stack.Text), ct);
        await steps.CommandAsync(Commands.Write(SwarmCommands.ImagesFile, SwarmCommands.ImagesOverride(
            stack.Built.Select(s => KeyValuePair.Create(s, SwarmStackFile.ImageFor(Swarm.Registry, config.Project, s, ReleaseTag(commit)))))), ct);
        return stack;
    }

    /// <summary>Builds the release's images once, on the manager, tagged for the registry, and pushes them for every node.</summary>
    public async Task<string> BuildAndPushAsync(ComposeFlavor flavor, SwarmStackFile stack, string commit, CancellationToken ct)
    {
        if (stack.Built.Count == 0)
        {
            return "nothing to build";
        }

        var compose = new ComposeCommands(flavor, environment.Path, environment.ComposeProject, [.. environment.ComposeFiles, SwarmCommands.ImagesFile]);
        await steps.CommandAsync(compose.Build(), ct, streamOutput: true);
        var images = stack.Built.Select(s => SwarmStackFile.ImageFor(Swarm.Registry, config.Project, s, ReleaseTag(commit))).ToList();
        foreach (var image in images)
        {
            await steps.CommandAsync(SwarmCommands.Push(image), ct);
        }

        return $"{images.Count} image(s) pushed to {Swarm.Registry}: {string.Join(", ", images)}";
    }

    /// <summary>The stack's services as Swarm reports them now (none before the first deploy).</summary>
    public async Task<IReadOnlyDictionary<string, SwarmServiceState>> StatesAsync(CancellationToken ct)
    {
        var services = (await steps.CommandAsync(Commands.Services(), ct)).StandardOutput;
        var names = SwarmServiceState.Names(services);
        var own = names.Select(n => n[(environment.ComposeProject.Length + 1)..]).ToList();
        var inspect = names.Count == 0 ? "" : (await steps.CommandAsync(Commands.Inspect(own), ct)).StandardOutput;
        var running = names.Count == 0 ? "" : (await steps.CommandAsync(Commands.RunningTasks(own), ct)).StandardOutput;
        return SwarmServiceState.Parse(environment.ComposeProject, services, inspect, running);
    }

    /// <summary>Whether the stack's network the migrations join exists (not before the first deploy).</summary>
    public async Task<bool> NetworkExistsAsync(SwarmStackFile stack, CancellationToken ct)
    {
        var network = stack.NetworkOf(config.Migrations!.Service, config.Migrations.DatabaseService);
        return (await steps.CommandAsync(Commands.NetworkExists(network), ct)).StandardOutput.Trim().Length > 0 || dryRun;
    }

    /// <summary>alembic in a one-off container of <paramref name="image"/> on the stack's network.</summary>
    public ShellCommand Alembic(SwarmStackFile stack, string image, params string[] arguments) => MigrationsOneOff(stack, image, ["alembic", .. arguments]);

    /// <summary><paramref name="command"/> in a one-off container of <paramref name="image"/> with the migrations service's network and environment.</summary>
    private ShellCommand MigrationsOneOff(SwarmStackFile stack, string image, params string[] command)
    {
        var migrations = config.Migrations!;
        return Commands.OneOff(image, stack.NetworkOf(migrations.Service, migrations.DatabaseService), stack.EnvironmentOf(migrations.Service), command);
    }

    /// <summary>The database's revision, asked until the database answers (it may still be starting) or the health timeout passes.</summary>
    public async Task<string?> CurrentRevisionAsync(SwarmStackFile stack, string image, CancellationToken ct)
    {
        var deadline = steps.Time.GetUtcNow() + environment.Health.Timeout;
        while (true)
        {
            var result = await Runner.RunAsync(Alembic(stack, image, "current"), ct);
            if (result.Succeeded || dryRun)
            {
                return AlembicOutput.OneRevision(result.StandardOutput);
            }

            if (steps.Time.GetUtcNow() >= deadline)
            {
                throw new CommandFailedException(result, Runner.Target);
            }

            await Task.Delay(environment.Health.Interval, steps.Time, ct);
        }
    }

    /// <summary>What the release's migrations bring to the database.</summary>
    public async Task<MigrationPlan> PlanAsync(SwarmStackFile stack, string image, CancellationToken ct)
    {
        // current, heads and history in one container; apart (current asked until the database answers) when that fails.
        var once = await Runner.RunAsync(MigrationsOneOff(stack, image, "sh", "-c", AlembicCommands.InspectScript), ct);
        var outputs = once.Succeeded ? AlembicOutput.Inspection(once.StandardOutput) : null;
        var current = outputs is { } read ? AlembicOutput.OneRevision(read.Current) : await CurrentRevisionAsync(stack, image, ct);
        var heads = AlembicOutput.RevisionIds(outputs?.Heads ?? (await steps.CommandAsync(Alembic(stack, image, "heads"), ct)).StandardOutput);
        var graph = AlembicOutput.History(outputs?.History ?? (await steps.CommandAsync(Alembic(stack, image, "history"), ct)).StandardOutput);
        var pending = heads.Count == 1 ? AlembicOutput.Between(current, heads[0], graph).Select(r => new PendingMigration(r.Id, r.Message, true)).ToList() : [];
        return new MigrationPlan(current, dryRun && heads.Count == 0 ? ["<head>"] : heads, pending);
    }

    /// <summary>Upgrades (or downgrades) the database to exactly <paramref name="target"/> with <paramref name="image"/>'s migrations, and proves it.</summary>
    public async Task<string?> MigrateAsync(SwarmStackFile stack, string image, string verb, string? target, CancellationToken ct)
    {
        await steps.CommandAsync(Alembic(stack, image, verb, target ?? (verb == "upgrade" ? "head" : "base")), ct, streamOutput: true);
        var reached = await CurrentRevisionAsync(stack, image, ct);
        return reached == target || target is null && verb == "upgrade" || dryRun
            ? reached
            : throw new DevOpsAgentException($"alembic {verb} finished but the database is at {reached ?? "base"}, not {target ?? "base"}", ExitCodes.CommandFailed);
    }

    /// <summary>Writes the edge's files and brings its stack to them: a no-op for Swarm when the edge did not change.</summary>
    public async Task<string> DeployEdgeAsync(SwarmEdgeTarget edge, CancellationToken ct)
    {
        var haproxy = SwarmEdgeStack.Haproxy(edge, Swarm.Edge!);
        await steps.CommandAsync(Commands.Write(SwarmEdgeStack.ConfigFile, haproxy), ct);
        await steps.CommandAsync(Commands.Write(SwarmEdgeStack.StackFile, SwarmEdgeStack.Stack(edge, Swarm.Edge!, environment.Path, haproxy)), ct);
        await steps.CommandAsync(Commands.DeployEdge(edge), ct);
        return $"{edge.EdgeStack}: HAProxy on port {edge.PublishedPort} of every node, forwarding to {edge.TasksName}:{edge.TargetPort} ({SwarmEdgeStack.ConfigName(edge, haproxy)})";
    }

    public Task<CommandResult> DeployAsync(CancellationToken ct) => steps.CommandAsync(Commands.Deploy(), ct, streamOutput: true);
}
