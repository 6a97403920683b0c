using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.ZeroDowntime;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// A zero-downtime environment's compose projects for one operation: the data project, the slot that takes the
/// release (<see cref="Target"/>), the live one, the single project it replaces the first time (<see cref="Legacy"/>),
/// and the edge. The generated compose files sit next to the user's first compose file (<c>.devops-agent-data.yml</c>,
/// <c>.devops-agent-blue.yml</c>, <c>.devops-agent-green.yml</c>) so relative paths and .env resolve as in the user's own.
/// </summary>
public sealed record SlotStack(
    SlotLayout Layout, ZeroDowntimeConfig Config, string? Live, string TargetSlot, ComposeCommands Data, ComposeCommands Target,
    ComposeCommands? LiveCompose, ComposeCommands? Legacy, EdgeCommands Edge)
{
    /// <summary>The label each slot container carries with the commit it runs, so a rollback knows what a kept slot holds.</summary>
    public const string CommitLabel = "devops-agent.commit";

    /// <summary>Set once the edge may have sent traffic to <see cref="Target"/>.</summary>
    public bool EdgeSwitched { get; set; }

    /// <summary>
    /// Reads the compose files of the server's checkout, writes the data file and the target slot's file (labelled
    /// with <paramref name="commit"/>); the live slot's file stays as it was deployed.
    /// </summary>
    public static async Task<SlotStack> ReadAsync(DeploySteps steps, EnvironmentConfig environment, ZeroDowntimeConfig zero, ComposeCommands compose,
        string? live, string? commit, CancellationToken ct)
    {
        var runner = steps.Runner;
        var files = new Dictionary<string, ComposeFile>(StringComparer.Ordinal);
        foreach (var file in compose.Files)
        {
            var text = (await steps.CommandAsync(ShellCommand.Of("cat", file).InDirectory(environment.Path), ct)).StandardOutput;
            files[file] = ComposeFile.Parse(new ProjectFile(file, text));
        }

        var model = ComposeModel.Build(ComposeSet.Of(compose.Files, production: true), files);
        var layout = SlotLayout.Of(model, compose.ProjectName, zero);
        var target = live is null ? SlotNames.Blue : SlotNames.Other(live);
        await steps.CommandAsync(ServerFiles.WriteAtomically($"{environment.Path}/{FileOf(compose, "data")}", layout.RenderData()), ct);
        await steps.CommandAsync(ServerFiles.WriteAtomically($"{environment.Path}/{FileOf(compose, target)}", layout.RenderSlot(target, commit)), ct);

        var healthPath = environment.Health.Frontend is { } frontend && Uri.TryCreate(frontend, UriKind.Absolute, out var uri) ? uri.AbsolutePath : "/";
        var edge = new EdgeCommands(compose.Flavor, new EdgeSpec(compose.ProjectName, environment.Path, layout.Published.Host, layout.Published.ContainerPort, healthPath));

        // A stack the agent deployed as one compose project before: its containers give way to data + slots on this deploy.
        var legacy = live is null && (await runner.RunAsync(compose.ContainerIds(), ct)).StandardOutput.Trim().Length > 0;
        // The live slot's file is the one its own deploy rendered, whose services may differ: compose still names them.
        return new SlotStack(layout, zero, live, target,
            compose with { ProjectName = layout.DataProject, Files = [FileOf(compose, "data")], QueriedByLabel = true, KnownServices = layout.Stateful },
            SlotOf(compose, layout, target) with { KnownServices = layout.Stateless }, live is null ? null : SlotOf(compose, layout, live), legacy ? compose : null, edge);
    }

    /// <summary>Container ids of <paramref name="slot"/> that run <paramref name="commit"/>, and of all its containers: a kept slot holds the release when they agree.</summary>
    public ShellCommand KeptContainers(string slot, string commit)
    {
        var project = ShellQuoting.Quote($"label=com.docker.compose.project={Layout.SlotProject(slot)}");
        var label = ShellQuoting.Quote($"label={CommitLabel}={commit}");
        return ShellCommand.Raw($"echo $(docker ps -aq --filter {project} --filter label=com.docker.compose.oneoff=False --filter {label} | wc -l) "
            + $"$(docker ps -aq --filter {project} --filter label=com.docker.compose.oneoff=False | wc -l)");
    }

    /// <summary>
    /// Starts <paramref name="slot"/>'s containers (kept, or just created) with <c>docker start</c>, service by
    /// service with dependencies first (<see cref="SlotLayout.StartOrder"/>). Not <c>compose start</c> or <c>up</c>:
    /// they wait on each <c>condition: service_healthy</c> for Docker's first probe, a whole healthcheck interval,
    /// where the slot's health verification judges the same checks at once, and no user traffic reaches a slot
    /// before that. Holds the app folder's lock like compose commands.
    /// </summary>
    public ShellCommand StartInOrder(string slot)
    {
        var project = ShellQuoting.Quote($"label=com.docker.compose.project={Layout.SlotProject(slot)}");
        var script = string.Join("; ", Layout.StartOrder.Select(service =>
            $"ids=$(docker ps -aq --filter {project} --filter {ShellQuoting.Quote($"label=com.docker.compose.service={service}")} --filter label=com.docker.compose.oneoff=False)"
            + " && { [ -z \"$ids\" ] || docker start $ids >/dev/null; } || exit 1"));
        return ShellCommand.Of("flock", ".", "sh", "-c", script).InDirectory(Target.AppPath);
    }

    /// <summary>
    /// Starts the containers <see cref="ComposeCommands.Create"/> just made in the target slot, group by group with
    /// dependencies first (<see cref="SlotLayout.StartLevels"/>), one compose call per group that waits on nothing:
    /// not <c>up -d</c>, which waits on each <c>condition: service_healthy</c> for Docker's first probe (a whole
    /// healthcheck interval) where the slot's health verification judges the same checks at once, before any user
    /// traffic reaches the slot.
    /// </summary>
    public ShellCommand StartCreatedInOrder() => Layout.StartLevels.Count == 0
        ? ShellCommand.Raw("true")
        : ShellCommand.Raw(string.Join(" && ", Layout.StartLevels.Select(level => Target.StartCreated(level).Text)));

    /// <summary>Whether every container of <paramref name="service"/> in the slot <paramref name="compose"/> runs (one line: the running count, then all).</summary>
    public static ShellCommand RunningOf(ComposeCommands compose, string service)
    {
        var project = ShellQuoting.Quote($"label=com.docker.compose.project={compose.ProjectName}");
        var label = ShellQuoting.Quote($"label=com.docker.compose.service={service}");
        return ShellCommand.Raw($"echo $(docker ps -q --filter {project} --filter {label} --filter label=com.docker.compose.oneoff=False | wc -l) "
            + $"$(docker ps -aq --filter {project} --filter {label} --filter label=com.docker.compose.oneoff=False | wc -l)");
    }

    /// <summary>
    /// Stops <paramref name="compose"/>'s containers (kept) without waiting for them: the edge no longer sends them
    /// anything. The stop holds the app folder's lock, so the next compose command on the server waits for it.
    /// </summary>
    public static ShellCommand StopInBackground(ComposeCommands compose) =>
        compose.Stop().Detached();

    /// <summary>The target slot's entry address (<c>ip:port</c> on the edge network), where its health is asked before any user traffic.</summary>
    public async Task<string> TargetAddressAsync(ICommandRunner runner, CancellationToken ct)
    {
        var template = ShellQuoting.Quote($"{{{{with index .NetworkSettings.Networks \"{Layout.EdgeNetwork}\"}}}}{{{{.IPAddress}}}}{{{{end}}}}");
        var container = $"$({Target.ContainerIdsOf(Layout.Entry).Text} | head -n1)";
        var inspect = ShellCommand.Raw($"docker inspect -f {template} \"{container}\"");
        var ip = (await runner.RunAsync(inspect, ct)).EnsureSuccess(runner.Target).StandardOutput.Trim();
        return ip.Length == 0
            ? throw new Errors.DevOpsAgentException($"{Layout.Entry} of {Target.ProjectName} has no address on {Layout.EdgeNetwork}", Errors.ExitCodes.HealthCheckFailed)
            : $"{ip}:{Layout.Published.ContainerPort}";
    }

    /// <summary>Alembic run with <paramref name="code"/>'s images against the data project's database.</summary>
    public Migrations.AlembicCommands Alembic(ComposeCommands code, Migrations.MigrationsConfig migrations) => new(code, migrations) { DatabaseCompose = Data };

    public static string FileOf(ComposeCommands compose, string name)
    {
        var first = compose.Files[0];
        var folder = first.Contains('/', StringComparison.Ordinal) ? first[..(first.LastIndexOf('/') + 1)] : "";
        return $"{folder}.devops-agent-{name}.yml";
    }

    public static ComposeCommands SlotOf(ComposeCommands compose, SlotLayout layout, string slot) =>
        compose with { ProjectName = layout.SlotProject(slot), Files = [FileOf(compose, slot)], QueriedByLabel = true };
}
