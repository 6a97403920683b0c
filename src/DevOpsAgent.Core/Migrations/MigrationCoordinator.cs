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
        OneRevision(await RunAsync(alembic.Current(), cancellationToken));

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

        if (result.Succeeded || result.ExitCode is 126 or 127)
        {
            return (await RunAsync(alembic.Current(), cancellationToken), await RunAsync(alembic.Heads(), cancellationToken), await RunAsync(alembic.History(), cancellationToken));
        }

        throw new CommandFailedException(result, runner.Target);
    }

    private static string? OneRevision(string currentOutput)
    {
        var ids = AlembicOutput.RevisionIds(currentOutput);
        return ids.Count switch
        {
            0 => null,
            1 => ids[0],
            _ => throw new DevOpsAgentException($"the database has several alembic revisions ({string.Join(", ", ids)}); merge the heads first", ExitCodes.CommandFailed),
        };
    }

    public async Task<MigrationPlan> PlanAsync(CancellationToken cancellationToken) => (await InspectAsync(cancellationToken)).Plan;

    /// <summary>The plan, plus every revision of the code with whether its downgrade() does something.</summary>
    public async Task<MigrationInspection> InspectAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(cancellationToken);
        var (currentOutput, headsOutput, historyOutput) = await AlembicInspectAsync(cancellationToken);
        var current = OneRevision(currentOutput);
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

        (await runner.RunAsync(alembic.Upgrade(), cancellationToken, onOutput)).EnsureSuccess(runner.Target);
        return await VerifyAtAsync(plan.Head, cancellationToken);
    }

    /// <summary>The revisions this image's migrations know.</summary>
    public async Task<IReadOnlyList<MigrationRevision>> GraphAsync(CancellationToken cancellationToken) =>
        AlembicOutput.History(await RunAsync(alembic.History(), cancellationToken));

    /// <summary>Upgrades to exactly <paramref name="revision"/> and proves it.</summary>
    public async Task UpgradeToAsync(string revision, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        (await runner.RunAsync(alembic.Upgrade(revision), cancellationToken, onOutput)).EnsureSuccess(runner.Target);
        await VerifyAtAsync(revision, cancellationToken);
    }

    /// <summary>Downgrades to exactly <paramref name="revision"/> (null: an empty schema) and proves it.</summary>
    public async Task DowngradeAsync(string? revision, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        (await runner.RunAsync(alembic.Downgrade(revision ?? "base"), cancellationToken, onOutput)).EnsureSuccess(runner.Target);
        await VerifyAtAsync(revision, cancellationToken);
    }

    private async Task<string?> VerifyAtAsync(string? expected, CancellationToken cancellationToken)
    {
        var actual = await CurrentAsync(cancellationToken);
        return actual == expected
            ? actual
            : throw new DevOpsAgentException($"alembic finished but the database is at {actual ?? "base"}, not {expected ?? "base"}", ExitCodes.CommandFailed);
    }

    private async Task<string> RunAsync(Shell.ShellCommand command, CancellationToken cancellationToken) =>
        (await runner.RunAsync(command, cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;
}
