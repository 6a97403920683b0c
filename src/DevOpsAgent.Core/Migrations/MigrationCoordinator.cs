using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Migrations;

/// <summary>
/// The Database Agent's part of a deploy, done by the agent itself: reads where the database is and what the
/// new code brings, refuses what cannot be rolled back safely, upgrades, and downgrades to exact revisions.
/// </summary>
public sealed class MigrationCoordinator(ICommandRunner runner, AlembicCommands alembic, TimeProvider time)
{
    private static readonly TimeSpan DatabaseStartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Starts the database service if it is not running and waits until it accepts connections.</summary>
    public async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        // Already answering (the usual case): nothing to start, and no compose run to pay for.
        if ((await runner.RunAsync(HealthCommands.PgIsReady(alembic.Database, alembic.Config.DatabaseService), cancellationToken)).Succeeded)
        {
            return;
        }

        (await runner.RunAsync(alembic.StartDatabase(), cancellationToken)).EnsureSuccess(runner.Target);
        var deadline = time.GetUtcNow() + DatabaseStartTimeout;
        while (true)
        {
            var ready = await runner.RunAsync(HealthCommands.PgIsReady(alembic.Database, alembic.Config.DatabaseService), cancellationToken);
            if (ready.Succeeded)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new CommandFailedException(ready, runner.Target);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    /// <summary>The database's alembic revision; null for a database alembic never touched.</summary>
    public async Task<string?> CurrentAsync(CancellationToken cancellationToken) =>
        AlembicOutput.OneRevision(await RunAsync(alembic.Current(), cancellationToken));

    /// <summary>
    /// <c>alembic current</c>, <c>heads</c> and <c>history</c> in one container; in three when the image has no shell
    /// (<c>sh</c> not found: exit code 126 or 127 before alembic ran).
    /// </summary>
    private async Task<(string Current, string Heads, string History)> AlembicInspectAsync(CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(alembic.Inspect(), cancellationToken);
        if (result.Succeeded && AlembicOutput.Inspection(result.StandardOutput) is { } outputs)
        {
            return outputs;
        }

        // Nothing at all, not even the separators: a recording (dry-run) runner's answer.
        if (result.Succeeded && result.StandardOutput.Trim().Length == 0)
        {
            return ("", "", "");
        }

        if (result.Succeeded || NoShell(result))
        {
            return (await RunAsync(alembic.Current(), cancellationToken), await RunAsync(alembic.Heads(), cancellationToken), await RunAsync(alembic.History(), cancellationToken));
        }

        throw new CommandFailedException(result, runner.Target);
    }

    public async Task<MigrationPlan> PlanAsync(CancellationToken cancellationToken) => (await InspectAsync(cancellationToken)).Plan;

    /// <summary>The plan, plus every revision of the code with whether its downgrade() does something.</summary>
    public async Task<MigrationInspection> InspectAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(cancellationToken);
        var (currentOutput, headsOutput, historyOutput) = await AlembicInspectAsync(cancellationToken);
        var current = AlembicOutput.OneRevision(currentOutput);
        var heads = AlembicOutput.RevisionIds(headsOutput);
        var graph = AlembicOutput.History(historyOutput);
        var sources = AlembicOutput.Sources(await RunAsync(alembic.Sources(), cancellationToken));
        PendingMigration Describe(MigrationRevision r) =>
            new(r.Id, r.Message, sources.TryGetValue(r.Id, out var source) && MigrationCheck.HasRealDowngrade(source));

        var pending = heads.Count == 1 ? AlembicOutput.Between(current, heads[0], graph).Select(Describe).ToList() : [];
        return new MigrationInspection(new MigrationPlan(current, heads, pending), [.. graph.Select(Describe).Reverse()]);
    }

    /// <summary>
    /// Each pending revision's safety for a switch while the old release serves, from the SQL alembic renders
    /// offline. A migration that needs a live connection makes alembic fail: its revision and the later ones are
    /// then unknown, never a crash.
    /// </summary>
    public async Task<IReadOnlyList<RevisionSafety>> SafetyAsync(MigrationPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Pending.Count == 0 || plan.Head is null)
        {
            return [];
        }

        var result = await runner.RunAsync(alembic.UpgradeSql(plan.Current, plan.Head), cancellationToken);
        var error = result.Succeeded ? null : MigrationSafety.RenderError(result.StandardError, result.ExitCode);
        return MigrationSafety.Classify([.. plan.Pending.Select(p => p.Id)], result.StandardOutput, error);
    }

    /// <summary>Upgrades to the plan's head and proves the database got there.</summary>
    public async Task<string?> UpgradeAsync(MigrationPlan plan, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        if (plan.Pending.Count == 0)
        {
            return plan.Current;
        }

        return await MigrateAsync("upgrade", "head", plan.Head, cancellationToken, onOutput);
    }

    /// <summary>The revisions this image's migrations know.</summary>
    public async Task<IReadOnlyList<MigrationRevision>> GraphAsync(CancellationToken cancellationToken) =>
        AlembicOutput.History(await RunAsync(alembic.History(), cancellationToken));

    /// <summary>Upgrades to exactly <paramref name="revision"/> and proves it.</summary>
    public async Task UpgradeToAsync(string revision, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        await MigrateAsync("upgrade", revision, revision, cancellationToken, onOutput);
    }

    /// <summary>Downgrades to exactly <paramref name="revision"/> (null: an empty schema) and proves it.</summary>
    public async Task DowngradeAsync(string? revision, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        await MigrateAsync("downgrade", revision ?? "base", revision, cancellationToken, onOutput);
    }

    /// <summary>
    /// Upgrades or downgrades to <paramref name="target"/> and proves the database is at <paramref name="expected"/>:
    /// both in one container; in two when the image has no shell (the migration never started then).
    /// </summary>
    private async Task<string?> MigrateAsync(string verb, string target, string? expected, CancellationToken cancellationToken, Action<string>? onOutput)
    {
        // The migration's own output streams as it comes; the current revision after the separator is read, not shown.
        var migrated = false;
        var result = await runner.RunAsync(alembic.MigrateThenCurrent(verb, target), cancellationToken, onOutput is null ? null : line =>
        {
            if (line.TrimEnd() == AlembicCommands.InspectSeparator)
            {
                migrated = true;
            }
            else if (!migrated)
            {
                onOutput(line);
            }
        });
        if (!result.Succeeded && NoShell(result))
        {
            var command = verb == "upgrade" ? alembic.Upgrade(target) : alembic.Downgrade(target);
            (await runner.RunAsync(command, cancellationToken, onOutput)).EnsureSuccess(runner.Target);
            return await VerifyAtAsync(expected, cancellationToken);
        }

        result.EnsureSuccess(runner.Target);
        var parts = result.StandardOutput.Replace("\r\n", "\n", StringComparison.Ordinal).Split(AlembicCommands.InspectSeparator + "\n");
        return parts.Length == 2 ? At(expected, AlembicOutput.OneRevision(parts[1])) : await VerifyAtAsync(expected, cancellationToken);
    }

    /// <summary>The container could not start a shell (none in the image): nothing of the command ran.</summary>
    private static bool NoShell(CommandResult result) =>
        result.ExitCode is 126 or 127
        && (result.StandardError.Contains("executable file not found", StringComparison.Ordinal) || result.StandardError.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase));

    private async Task<string?> VerifyAtAsync(string? expected, CancellationToken cancellationToken) => At(expected, await CurrentAsync(cancellationToken));

    private static string? At(string? expected, string? actual) =>
        actual == expected
            ? actual
            : throw new DevOpsAgentException($"alembic finished but the database is at {actual ?? "base"}, not {expected ?? "base"}", ExitCodes.CommandFailed);

    private async Task<string> RunAsync(Shell.ShellCommand command, CancellationToken cancellationToken) =>
        (await runner.RunAsync(command, cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;
}
