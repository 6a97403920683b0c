using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.ZeroDowntime;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// Zero-downtime deploys (<c>zero_downtime:</c>): the release is built, migrated and started in the slot that is not
/// live while the live one keeps serving; it is proven healthy through its own address, the edge then switches to
/// it in one runtime-API call and drains the old slot, which is stopped but kept (containers and images) for a
/// rollback that is a start and a switch. A failure before the switch never reached a user: the new slot is
/// stopped and the database moved back with the new release's own migrations; after it, the edge switches back.
/// </summary>
public sealed partial class DeployWorker
{
    private async Task<SlotStack> PrepareSlotsAsync(DeployRequest request, DeploySteps steps, DeployState state, ZeroDowntimeConfig zero, CancellationToken ct) =>
        await steps.RunAsync("slots", () => SlotStack.ReadAsync(steps, request.Environment, zero, state.Compose!, state.Operation!.Serving?.Slot, state.Record.Commit, ct), ct);

    /// <summary>Starts the data project's services that are not running; a running database is never recreated.</summary>
    private static Task<string> DataUpAsync(DeploySteps steps, SlotStack slots, CancellationToken ct) =>
        steps.RunAsync("data", async () =>
        {
            await steps.CommandAsync(slots.Data.UpNoRecreate(), ct, streamOutput: true);
            return $"{slots.Layout.DataProject}: {string.Join(", ", slots.Layout.Stateful)}";
        }, ct);

    /// <summary>The switch of a zero-downtime deploy; the live slot serves until the edge moves to the new one.</summary>
    private async Task SwitchSlotsAsync(DeployRequest request, DeploySteps steps, DeployState state, SlotStack slots, CancellationToken ct)
    {
        var environment = request.Environment;
        var edge = new EdgeSwitch(runner, slots.Edge, time);
        state.Switched = true;
        await state.Operation!.UpdateAsync(j => j with { Switched = true }, ct);

        if (slots.Legacy is { } legacy)
        {
            // Once: the single project's containers go (its volumes stay: the data project mounts them by the same names).
            await steps.RunAsync("retire single project", async () =>
            {
                await steps.CommandAsync(legacy.Down(removeVolumes: false), ct, streamOutput: true);
                return $"{legacy.ProjectName} stopped and removed, volumes kept for {slots.Layout.DataProject}";
            }, ct);
        }

        await DataUpAsync(steps, slots, ct);
        await steps.RunAsync("edge", async () =>
        {
            await edge.EnsureUpAsync(ToEdge(slots.Live), ct);
            return $"{slots.Edge.Spec.EdgeProject} publishes {slots.Layout.Published.Host}";
        }, ct);

        if (slots.Live is not null && slots.Config.MaintenanceWindow && state.UnsafeMigrations)
        {
            await steps.RunAsync("maintenance window", async () =>
            {
                await steps.CommandAsync(slots.LiveCompose!.Stop(), ct, streamOutput: true);
                return $"{slots.Live} stopped for the destructive migration";
            }, ct);
        }

        if (slots.Legacy is not null && config.Migrations is { } migrations)
        {
            // The single project is down (its users wait for this deploy anyway): plan with the release's code, against the data project.
            state.Plan = await steps.RunAsync("migrations plan", async () =>
            {
                var planned = await new MigrationCoordinator(runner, slots.Alembic(slots.Target, migrations), time).PlanAsync(ct);
                return planned.Heads.Count <= 1 ? planned
                    : throw new DevOpsAgentException($"refused: the release has {planned.Heads.Count} alembic heads ({string.Join(", ", planned.Heads)}); merge them into one first", ExitCodes.Refused);
            }, ct);
            state.Record = state.Record with { RevisionBefore = state.Plan.Current, RevisionAfter = state.Plan.Current, Migrations = state.Plan.Summary };
            await state.Operation.Lease.UpdateAsync(i => i with { PreviousRevision = state.Plan.Current }, ct);
        }

        if (state.Plan is { Pending.Count: > 0 } plan)
        {
            var reached = await steps.RunAsync("migrate", async () =>
                await new MigrationCoordinator(runner, slots.Alembic(slots.Target, config.Migrations!), time).UpgradeAsync(plan, ct, observer.Output) ?? "base", ct);
            state.Record = state.Record with { RevisionAfter = reached };
        }

        await steps.RunAsync("start slot", async () =>
        {
            await steps.CommandAsync(slots.Target.Create(), ct, streamOutput: true);
            await steps.CommandAsync(slots.StartCreatedInOrder(), ct, streamOutput: true);
            await new EdgeSwitch(runner, slots.Edge, time).PrepareAsync(ToEdge(slots.TargetSlot)!.Value, ct);
            return $"{slots.TargetSlot} ({slots.Target.ProjectName})";
        }, ct);

        state.Health = await steps.RunAsync("verify slot", async () =>
        {
            var address = await slots.TargetAddressAsync(runner, ct);
            var report = await steps.VerifyHealthAsync(slots.Target, Through(environment.Health, address), request.DryRun, state.Record.StartedAt, ct, slots.Data);
            return report.Healthy || request.DryRun ? report : throw new HealthCheckFailedException(report);
        }, ct);

        await steps.RunAsync("switch", async () =>
        {
            await edge.WaitUntilUpAsync(ToEdge(slots.TargetSlot)!.Value, environment.Health.Timeout, ct);
            slots.EdgeSwitched = true;
            return await edge.SwitchAsync(ToEdge(slots.TargetSlot)!.Value, ToEdge(slots.Live), slots.Config.DrainTimeout, ct);
        }, ct);

        state.Health = await steps.RunAsync("health", async () =>
        {
            var report = await steps.VerifyHealthAsync(slots.Target, environment.Health, request.DryRun, state.Record.StartedAt, ct, slots.Data);
            return report.Healthy || request.DryRun ? report : throw new HealthCheckFailedException(report);
        }, ct);

        if (slots.LiveCompose is { } previous)
        {
            await steps.RunAsync("keep previous slot", async () =>
            {
                if (slots.Config.KeepPreviousRunning > TimeSpan.Zero)
                {
                    await steps.CommandAsync(StopLater(environment.Path, previous, slots.Live!, slots.Config.KeepPreviousRunning), ct);
                    return $"{slots.Live} keeps running for {slots.Config.KeepPreviousRunning:g} (a rollback is a switch), then stops";
                }

                await steps.CommandAsync(previous.Stop(), ct, streamOutput: true);
                return $"{slots.Live} stopped and kept (a rollback is a start and a switch)";
            }, ct);
        }

        await steps.RunAsync("record release", () => RecordReleaseAsync(request, steps, state, ct), ct);
    }

    /// <summary>
    /// A zero-downtime deploy failed after it began its switch: the edge goes back to the live slot (started again if it
    /// was stopped), the database back to the recorded revision with the new release's migrations, which know the way,
    /// and the new slot stops. A first deploy has no live slot to go back to.
    /// </summary>
    private async Task<string> FailSlotsAsync(DeployRequest request, DeploySteps steps, DeployState state, SlotStack slots, CancellationToken ct)
    {
        var environment = request.Environment;
        var edge = new EdgeSwitch(runner, slots.Edge, time);
        if (slots.Live is null || slots.LiveCompose is null)
        {
            await steps.RunAsync("rollback: stop slot", () => steps.CommandAsync(slots.Target.Stop(), ct), ct);
            throw new DevOpsAgentException("no live slot to go back to (first zero-downtime deploy); the new slot was stopped", ExitCodes.RollbackFailed);
        }

        if (slots.EdgeSwitched)
        {
            await steps.RunAsync("rollback: switch", async () =>
            {
                await steps.CommandAsync(slots.LiveCompose.Start(), ct);
                await edge.WaitUntilUpAsync(ToEdge(slots.Live)!.Value, environment.Health.Timeout, ct);
                return await edge.SwitchAsync(ToEdge(slots.Live)!.Value, ToEdge(slots.TargetSlot), slots.Config.DrainTimeout, ct);
            }, ct);
        }
        else if (slots.Config.MaintenanceWindow && state.UnsafeMigrations)
        {
            await steps.CommandAsync(slots.LiveCompose.Start(), ct);
        }

        if (config.Migrations is { } migrations && state.Record.RevisionAfter != state.Record.RevisionBefore)
        {
            await steps.RunAsync("rollback: database", async () =>
            {
                // The failed release's code runs in its slot (unhealthy, but running): alembic runs there rather than in a
                // one-off container, which compose v1 takes many seconds to make on a loaded host.
                var running = (await runner.RunAsync(SlotStack.RunningOf(slots.Target, migrations.Service), ct)).StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var alembic = slots.Alembic(slots.Target, migrations) with { InRunningContainer = running is [var up, var all] && up == all && up != "0" };
                var coordinator = new MigrationCoordinator(runner, alembic, time);
                await coordinator.DowngradeAsync(state.Record.RevisionBefore, ct, observer.Output);
                return $"{state.Record.RevisionAfter ?? "base"} → {state.Record.RevisionBefore ?? "base"} (with {slots.TargetSlot}'s migrations)";
            }, ct);
        }

        await steps.RunAsync("rollback: stop slot", async () =>
        {
            // It never served, or no longer does: nothing waits for it to stop, and the next compose command on the server waits for the stop.
            await steps.CommandAsync(SlotStack.StopInBackground(slots.Target), ct);
            return $"{slots.TargetSlot} stopping in the background; {slots.Live} serves";
        }, ct);
        await steps.CommandAsync(new GitCommands(environment.Path).Checkout(state.Record.PreviousCommit!), ct);
        var report = await steps.RunAsync("rollback: health", async () =>
        {
            var verified = await steps.VerifyHealthAsync(slots.LiveCompose, environment.Health, singlePass: false, time.GetUtcNow(), ct, slots.Data);
            return verified.Healthy ? verified : throw new HealthCheckFailedException(verified);
        }, ct);
        state.Health = report;
        return slots.EdgeSwitched ? $"the edge switched back to {slots.Live}" : $"{slots.Live} kept serving; the new release never received traffic";
    }

    /// <summary>
    /// Recovery of a zero-downtime deploy that was interrupted after its switch began: the recorded live slot is
    /// started (it was stopped and kept, or still runs), the edge switched back to it, the database moved back to the
    /// recorded revision with the interrupted slot's migrations, and the interrupted slot stopped.
    /// </summary>
    private async Task RecoverSlotsAsync(DeployRequest request, DeploySteps steps, DeployState state, ServerRelease serving, ZeroDowntimeConfig zero, CancellationToken ct)
    {
        var slots = await PrepareSlotsAsync(request, steps, state, zero, ct);
        var edge = new EdgeSwitch(runner, slots.Edge, time);
        var live = ToEdge(slots.Live)!.Value;
        await steps.RunAsync("recover: live slot", async () =>
        {
            await steps.CommandAsync(slots.Data.UpNoRecreate(), ct, streamOutput: true);
            await steps.CommandAsync(slots.LiveCompose!.Start(), ct, streamOutput: true);
            var servers = await edge.EnsureUpAsync(live, ct);
            await edge.WaitUntilUpAsync(live, request.Environment.Health.Timeout, ct, servers);
            return await edge.SwitchAsync(live, ToEdge(slots.TargetSlot), slots.Config.DrainTimeout, ct);
        }, ct);
        if (config.Migrations is { } migrations)
        {
            await steps.RunAsync("recover: database", async () =>
            {
                var coordinator = new MigrationCoordinator(runner, slots.Alembic(slots.Target, migrations), time);
                var current = await coordinator.CurrentAsync(ct);
                if (current == serving.Revision)
                {
                    return $"already at {current ?? "base"}";
                }

                await coordinator.DowngradeAsync(serving.Revision, ct, observer.Output);
                return $"{current ?? "base"} → {serving.Revision ?? "base"} (with {slots.TargetSlot}'s migrations)";
            }, ct);
        }

        await steps.RunAsync("recover: stop slot", async () =>
        {
            await steps.CommandAsync(slots.Target.Stop(), ct, streamOutput: true);
            await steps.CommandAsync(new GitCommands(request.Environment.Path).Checkout(serving.Commit), ct);
            return $"{slots.TargetSlot} stopped; {slots.Live} serves {serving.Version}";
        }, ct);
    }

    /// <summary>
    /// The first zero-downtime deploy of a single-project stack failed after that project was retired: the new slot,
    /// the edge and the data project go (volumes kept) so the single project can come back on its own volumes.
    /// </summary>
    private async Task UndoLegacyRetirementAsync(DeploySteps steps, SlotStack slots, CancellationToken ct)
    {
        await steps.RunAsync("rollback: single project", async () =>
        {
            await steps.CommandAsync(slots.Target.Down(removeVolumes: false), ct, streamOutput: true);
            var edge = ShellQuoting.Quote($"label=com.docker.compose.project={slots.Edge.Spec.EdgeProject}");
            await steps.CommandAsync(ShellCommand.Raw($"docker ps -aq --filter {edge} | xargs -r docker rm -f"), ct);
            await steps.CommandAsync(slots.Data.Down(removeVolumes: false), ct, streamOutput: true);
            return $"{slots.Target.ProjectName}, {slots.Edge.Spec.EdgeProject} and {slots.Layout.DataProject} removed, volumes kept for {slots.Legacy!.ProjectName}";
        }, ct);
    }

    /// <summary>
    /// Pending revisions are judged from the SQL they would run: additive ones run while the live slot serves; a
    /// destructive, locking or unjudged one is refused for a live switch, named with why and the safe alternative,
    /// unless the environment opts into a maintenance window (the live slot then stops before the migration).
    /// </summary>
    private async Task MigrationSafetyGateAsync(DeploySteps steps, DeployState state, SlotStack slots, MigrationCoordinator coordinator, MigrationPlan plan, bool preflight, CancellationToken ct)
    {
        var verdict = await steps.RunAsync("migration safety", async () =>
        {
            var safety = state.Safety = await coordinator.SafetyAsync(plan, ct);
            var refused = safety.Where(s => !s.AllowsLiveSwitch).ToList();
            if (refused.Count == 0)
            {
                return $"{safety.Count} revision(s) additive: they run while {slots.Live} serves";
            }

            var why = PreflightChecklist.Explain(refused);
            if (!slots.Config.MaintenanceWindow)
            {
                var refusal = new DevOpsAgentException(
                    $"refused: a zero-downtime switch cannot run these migrations while {slots.Live} serves: {why}. "
                    + "Split them into additive steps, or set zero_downtime/maintenance_window: true to stop the live slot while they run", ExitCodes.Refused);
                if (!preflight)
                {
                    throw refusal;
                }

                // Production shows it in the checklist first; an override of the checklist does not lift it.
                state.SafetyRefusal = refusal;
                return $"not safe while {slots.Live} serves: {why}";
            }

            state.UnsafeMigrations = true;
            return $"maintenance window: {slots.Live} stops while they run ({why})";
        }, ct);
        state.Record = state.Record with { Migrations = $"{state.Record.Migrations}; {verdict}" };
    }

    /// <summary>The health checks of the environment, asked of the slot's own address instead of the published port.</summary>
    public static HealthConfig Through(HealthConfig health, string address) => health with
    {
        Http = [.. health.Http.Select(check => check with { Url = Rebase(check.Url, address) })],
        Frontend = health.Frontend is null ? null : Rebase(health.Frontend, address),
    };

    /// <summary><c>http://localhost:8080/health</c> → <c>http://{address}/health</c>; URLs of other hosts are left alone.</summary>
    public static string Rebase(string url, string address)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host is not ("localhost" or "127.0.0.1" or "[::1]" or "0.0.0.0"))
        {
            return url;
        }

        return $"http://{address}{uri.PathAndQuery}";
    }

    /// <summary>Stops the old slot after the window unless it became the live one meanwhile (a rollback switched back to it).</summary>
    private static ShellCommand StopLater(string appPath, ComposeCommands previous, string slot, TimeSpan after)
    {
        var release = ShellQuoting.Quote(ServerRelease.PathIn(appPath));
        var stop = previous.Stop().Text;
        var script = $"sleep {(long)after.TotalSeconds}; grep -q '\"slot\":\"{slot}\"' {release} || {stop}";
        return ShellCommand.Raw(script).InDirectory(appPath).Detached();
    }

    private static Slot? ToEdge(string? slot) => slot switch
    {
        null => null,
        SlotNames.Blue => Slot.Blue,
        _ => Slot.Green,
    };
}
