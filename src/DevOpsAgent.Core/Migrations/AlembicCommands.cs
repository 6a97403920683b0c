using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Migrations;

/// <summary>
/// alembic, run in one-off containers of the migrations service: from whatever image the service's tag points
/// at (after a build: the new release's), while the running containers keep serving.
/// </summary>
public sealed record AlembicCommands(ComposeCommands Compose, MigrationsConfig Config)
{
    /// <summary>Where the database service runs when it is not in <see cref="Compose"/> (a zero-downtime environment's data project).</summary>
    public ComposeCommands? DatabaseCompose { get; init; }

    /// <summary>
    /// alembic runs in the service's running container (<c>exec</c>) instead of a one-off: the code is the same
    /// image's, without a container to create. Only for a stack known to be running.
    /// </summary>
    public bool InRunningContainer { get; init; }

    /// <summary>The project the database service belongs to.</summary>
    public ComposeCommands Database => DatabaseCompose ?? Compose;

    public ShellCommand Heads() => Alembic("heads");

    public ShellCommand History() => Alembic("history");

    /// <summary>The database's revision (nothing on stdout for an empty database).</summary>
    public ShellCommand Current() => Alembic("current");

    public ShellCommand Upgrade(string target = "head") => Alembic("upgrade", target);

    /// <summary>The line between two commands' output in <see cref="Inspect"/>.</summary>
    public const string InspectSeparator = "==> devops-agent: next alembic command <==";

    /// <summary>
    /// <c>alembic current</c>, <c>heads</c> and <c>history</c> in one container (each one-off container costs seconds
    /// to create, start and import the app), their outputs apart by <see cref="InspectSeparator"/> lines; it stops at
    /// the first that fails. Needs a shell in the image: <see cref="MigrationCoordinator"/> falls back to three runs
    /// when there is none.
    /// </summary>
    public ShellCommand Inspect() => InContainer("sh", "-c", InspectScript);

    /// <summary>The shell script of <see cref="Inspect"/>, for any container that runs the release's alembic.</summary>
    public const string InspectScript =
        $"alembic current && echo \"{InspectSeparator}\" && alembic heads && echo \"{InspectSeparator}\" && alembic history";

    /// <summary>
    /// The SQL the upgrade from <paramref name="current"/> (null: an empty database) to <paramref name="head"/>
    /// would run, rendered offline (nothing is executed), for <see cref="MigrationSafety"/>. Same container and
    /// environment as the real upgrade, so env.py finds DATABASE_URL and picks the PostgreSQL dialect.
    /// </summary>
    public ShellCommand UpgradeSql(string? current, string head) =>
        Alembic("upgrade", current is null ? head : $"{current}:{head}", "--sql");

    /// <summary>
    /// <c>alembic upgrade|downgrade target</c> and, once it succeeded, <c>alembic current</c> in the same container
    /// (one container to create and start instead of two), after an <see cref="InspectSeparator"/> line. Needs a shell
    /// in the image, like <see cref="Inspect"/>.
    /// </summary>
    public ShellCommand MigrateThenCurrent(string verb, string target) =>
        InContainer("sh", "-c", $"alembic {ShellQuoting.Quote(verb)} {ShellQuoting.Quote(target)} && echo \"{InspectSeparator}\" && alembic current");

    /// <summary>Downgrades to an exact revision (or <c>base</c>), never blindly <c>-1</c>.</summary>
    public ShellCommand Downgrade(string target) => Alembic("downgrade", target);

    /// <summary>Starts the database alone (a no-op when it runs), so migrations have something to talk to.</summary>
    public ShellCommand StartDatabase() => Database.UpServices(Config.DatabaseService);

    /// <summary>Every migration file of the checkout, each behind a <c>==&gt; path &lt;==</c> line.</summary>
    public ShellCommand Sources() =>
        ShellCommand.Raw($"for f in {ShellQuoting.Quote(Config.Versions)}/*.py; do [ -f \"$f\" ] || continue; printf '==> %s <==\\n' \"$f\"; cat \"$f\"; echo; done")
            .InDirectory(Compose.AppPath);

    private ShellCommand Alembic(params string[] arguments) => InContainer(["alembic", .. arguments]);

    private ShellCommand InContainer(params string[] command) =>
        InRunningContainer ? Compose.Exec(Config.Service, command) : Compose.Run(Config.Service, command);
}
