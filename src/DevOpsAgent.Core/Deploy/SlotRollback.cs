using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.ZeroDowntime;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// `rollback` of a zero-downtime environment: the release comes back in the slot that is not live. When that slot
/// still holds it (stopped and kept, or kept running), the rollback is a start — or nothing — and a switch; otherwise
/// the slot is rebuilt from the release's code first. The edge switches once the slot is healthy through its own
/// address; then the database moves to the release's revision with the newer release's migrations (which know the
/// way down), and the slot that served stops and is kept.
/// </summary>
public sealed class SlotRollback(DeploySteps steps, EnvironmentConfig environment, MigrationsConfig? migrations)
{
    /// <param name="servingRevision">The revision recorded with the release that serves now; null when unknown.</param>
    public async Task<HealthReport> RollbackAsync(SlotStack slots, ServerRelease target, string? servingRevision, DateTimeOffset logsSince, CancellationToken ct)
    {
        var runner = steps.Runner;
        var edge = new EdgeSwitch(runner, slots.Edge, steps.Time);
        var to = slots.TargetSlot == SlotNames.Blue ? Slot.Blue : Slot.Green;
        Slot? from = slots.Live is null ? null : slots.Live == SlotNames.Blue ? Slot.Blue : Slot.Green;

        var counts = (await runner.RunAsync(slots.KeptContainers(slots.TargetSlot, target.Commit), ct)).StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kept = counts.Length == 2 && counts[0] == counts[1] && counts[0] != "0";
        await steps.RunAsync("rollback: slot", async () =>
        {
            if (kept)
            {
                var entry = (await runner.RunAsync(SlotStack.RunningOf(slots.Target, slots.Layout.Entry), ct)).StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var running = entry is [var up, var all] && up == all && up != "0";
                await steps.CommandAsync(slots.StartInOrder(slots.TargetSlot), ct, streamOutput: true);
                // HAProxy checks the slot while its health is verified here, so the switch need not wait for a check.
                await edge.PrepareAsync(to, ct);
                return running
                    ? $"{slots.TargetSlot} still holds {target.Version}: kept running, nothing to start"
                    : $"{slots.TargetSlot} still holds {target.Version}: started as it was kept";
            }

            // The slot holds another release (or none): it is rebuilt from the release's code.
            await steps.CommandAsync(new GitCommands(environment.Path).Checkout(target.Commit), ct);
            await steps.CommandAsync(slots.Target.Build(), ct, streamOutput: true);
            await steps.CommandAsync(slots.Target.Create(), ct, streamOutput: true);
            await steps.CommandAsync(slots.StartCreatedInOrder(), ct, streamOutput: true);
            await edge.PrepareAsync(to, ct);
            return $"{slots.TargetSlot} rebuilt with {target.Version} (it no longer held it)";
        }, ct);

        await steps.RunAsync("rollback: verify slot", async () =>
        {
            var address = await slots.TargetAddressAsync(runner, ct);
            var report = await steps.VerifyHealthAsync(slots.Target, DeployWorker.Through(environment.Health, address), singlePass: false, logsSince, ct, slots.Data);
            return report.Healthy ? report : throw new HealthCheckFailedException(report);
        }, ct);

        await steps.RunAsync("rollback: switch", async () =>
        {
            // One read of the edge serves both: a running edge and a slot checked up cost it and the switch alone.
            var servers = await edge.EnsureUpAsync(from, ct);
            await edge.WaitUntilUpAsync(to, environment.Health.Timeout, ct, servers);
            slots.EdgeSwitched = true;
            return await edge.SwitchAsync(to, from, slots.Config.DrainTimeout, ct);
        }, ct);

        if (migrations is not null && slots.LiveCompose is { } newer)
        {
            await steps.RunAsync("rollback: database", async () =>
            {
                // The newer release's code is in its slot's containers, still running after the switch: alembic runs there.
                var running = (await runner.RunAsync(SlotStack.RunningOf(newer, migrations.Service), ct)).StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var alembic = slots.Alembic(newer, migrations) with { InRunningContainer = running is [var up, var all] && up == all && up != "0" };
                var coordinator = new MigrationCoordinator(runner, alembic, steps.Time);
                if (servingRevision is null || servingRevision == target.Revision)
                {
                    // Recorded as the same (or unknown): read, and downgrade only if the database says otherwise.
                    var current = await coordinator.CurrentAsync(ct);
                    if (current == target.Revision)
                    {
                        return $"already at {current ?? "base"}";
                    }

                    await coordinator.DowngradeAsync(target.Revision, ct, steps.Observer.Output);
                    return $"{current ?? "base"} → {target.Revision ?? "base"} (with {slots.Live}'s migrations)";
                }

                // Recorded as different: straight down, without a read first (each alembic run starts Python, seconds on a
                // loaded host). Alembic names each step it runs, the read after the downgrade proves where it arrived.
                var ran = new List<string>();
                await coordinator.DowngradeAsync(target.Revision, ct, line =>
                {
                    ran.Add(line);
                    steps.Observer.Output(line);
                });
                return AlembicOutput.DowngradedFrom(ran) is { } from
                    ? $"{from} → {target.Revision ?? "base"} (with {slots.Live}'s migrations)"
                    : $"already at {target.Revision ?? "base"} (recorded {servingRevision})";
            }, ct);
        }

        if (slots.LiveCompose is { } previous)
        {
            await steps.RunAsync("rollback: stop previous slot", async () =>
            {
                await steps.CommandAsync(SlotStack.StopInBackground(previous), ct);
                return $"{slots.Live} stopping and kept (in the background; the next compose command on the server waits for it)";
            }, ct);
        }

        await steps.CommandAsync(new GitCommands(environment.Path).Checkout(target.Commit), ct);
        return await steps.RunAsync("rollback: health", async () =>
        {
            var report = await steps.VerifyHealthAsync(slots.Target, environment.Health, singlePass: false, logsSince, ct, slots.Data);
            return report.Healthy ? report : throw new HealthCheckFailedException(report);
        }, ct);
    }
}
