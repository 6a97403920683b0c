using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Edge;

/// <summary>
/// Starts the edge and moves traffic between the slots through HAProxy's runtime API: no reload, so no
/// connection is dropped. A slot goes live only after HAProxy's own check reached it.
/// </summary>
public sealed class EdgeSwitch(ICommandRunner runner, EdgeCommands edge, TimeProvider time)
{
    /// <summary>How long a freshly started edge may take to answer on its runtime API.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often the servers' state is read while waiting (HAProxy checks every second).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Writes the edge's files and starts it when no edge container runs; a running edge is left untouched (its
    /// live slot is whatever the last switch made it). Returns once HAProxy answers on its runtime API, with the
    /// servers as it answered: a running edge costs one read, which <see cref="WaitUntilUpAsync"/> can reuse.
    /// </summary>
    /// <param name="live">The slot a newly started edge serves; null when no slot serves yet.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<IReadOnlyList<EdgeServer>> EnsureUpAsync(Slot? live, CancellationToken cancellationToken)
    {
        var answer = await runner.RunAsync(edge.ShowServers(), cancellationToken);
        if (Answered(answer))
        {
            return EdgeStat.Parse(answer.StandardOutput);
        }

        if (!await IsRunningAsync(cancellationToken))
        {
            // The live slot keeps its checks here: HAProxy 2.6 never checks again a server whose checks were stopped
            // before its name first resolved (it stays "UP 0/3"), so only a switch, to a slot checked up, stops them.
            (await runner.RunAsync(edge.WriteFiles(live), cancellationToken)).EnsureSuccess(runner.Target);
            (await runner.RunAsync(edge.Up(), cancellationToken)).EnsureSuccess(runner.Target);
        }

        var deadline = time.GetUtcNow() + StartTimeout;
        while (true)
        {
            answer = await runner.RunAsync(edge.ShowServers(), cancellationToken);
            if (Answered(answer))
            {
                return EdgeStat.Parse(answer.StandardOutput);
            }

            if (time.GetUtcNow() >= deadline)
            {
                var logs = (await runner.RunAsync(edge.Logs(5), cancellationToken)).StandardOutput;
                throw new DevOpsAgentException(
                    $"edge: {edge.Spec.EdgeProject} did not answer on its runtime API within {StartTimeout.TotalSeconds:0}s: "
                    + Last(answer.StandardError + "\n" + logs), ExitCodes.CommandFailed);
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken) =>
        (await runner.RunAsync(edge.ContainerId(), cancellationToken)).EnsureSuccess(runner.Target).StandardOutput.Trim().Length > 0;

    /// <summary>
    /// Lets HAProxy start checking <paramref name="slot"/> when it is in maintenance (drain: checked, sent nothing), so
    /// that its checks run while the slot's health is verified and <see cref="WaitUntilUpAsync"/> finds it checked. One
    /// call into the edge; nothing when the edge does not answer (the switch starts it), the slot is not in maintenance
    /// or its name does not resolve yet.
    /// </summary>
    public async Task PrepareAsync(Slot slot, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(edge.PrepareSlot(slot), cancellationToken);
        if (result.Succeeded && EdgeSwitchScript.Parse(result.StandardOutput).HaproxyRefusal is { } refusal)
        {
            throw new DevOpsAgentException($"edge: HAProxy refused '{EdgeCommands.CheckLine(slot)}': {Last(refusal)}", ExitCodes.CommandFailed);
        }
    }

    /// <summary>
    /// Waits until HAProxy's own check sees <paramref name="slot"/> up, which proves the edge can reach it. A slot in
    /// maintenance (the non-live one) is not checked at all, so it is first moved to drain: checked, sent nothing.
    /// </summary>
    /// <param name="slot">The slot to wait for.</param>
    /// <param name="timeout">How long HAProxy's check may take to see it up.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="servers">The servers as just read (<see cref="EnsureUpAsync"/>), so that the wait starts without reading them again.</param>
    public async Task WaitUntilUpAsync(Slot slot, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyList<EdgeServer>? servers = null)
    {
        var deadline = time.GetUtcNow() + timeout;
        var server = servers is null ? await ServerAsync(slot, cancellationToken) : Find(servers, slot);
        // Nothing is changed before the slot's name resolves: the live slot of a freshly started edge shows the same
        // MAINT (resolution) as a disabled one, and moving the live slot to drain would make the edge answer 503.
        while (server.IsUnresolved && time.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            server = await ServerAsync(slot, cancellationToken);
        }

        if (server.InMaintenance || !server.IsChecked)
        {
            // The slot was live before (its checks were stopped by that switch): checked again, from drain.
            await SetAsync(server.InMaintenance ? EdgeCommands.CheckLine(slot) : $"enable health {Name(slot)}", cancellationToken);
            server = await ServerAsync(slot, cancellationToken);
        }

        while (!server.IsCheckedUp)
        {
            if (time.GetUtcNow() >= deadline)
            {
                throw new DevOpsAgentException(
                    $"edge: slot {slot.Name()} ({edge.Spec.ServerAddress(slot)}:{edge.Spec.EntryPort}) is not UP after {timeout.TotalSeconds:0.#}s: HAProxy sees it {server.Describe()}"
                    + (server.IsUnresolved ? $" (no container answers to {edge.Spec.ServerAddress(slot)} on network {edge.Spec.Network})" : ""),
                    ExitCodes.HealthCheckFailed);
            }

            await Task.Delay(PollInterval, time, cancellationToken);
            server = await ServerAsync(slot, cancellationToken);
        }
    }

    /// <summary>
    /// Makes <paramref name="to"/> live in one call into the edge (<see cref="EdgeCommands.Switch"/>): readies it and
    /// drains <paramref name="from"/> in one runtime-API line, waits (at most <paramref name="drainTimeout"/>) until
    /// <paramref name="from"/>'s requests in flight have finished, then puts it in maintenance; haproxy.cfg is
    /// rewritten as soon as <paramref name="to"/> is live, so that a restarted edge serves it. Refused, with nothing
    /// changed, unless HAProxy's check already sees <paramref name="to"/> up (<see cref="WaitUntilUpAsync"/>).
    /// </summary>
    /// <returns>One line: <c>green live; blue drained in 0.4s</c>.</returns>
    public async Task<string> SwitchAsync(Slot to, Slot? from, TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        if (from == to)
        {
            throw new ArgumentException($"A switch goes from one slot to the other, not from {to.Name()} to itself.", nameof(from));
        }

        var result = (await runner.RunAsync(edge.Switch(to, from, drainTimeout), cancellationToken)).EnsureSuccess(runner.Target);
        var outcome = EdgeSwitchScript.Parse(result.StandardOutput);
        if (outcome.MissingServer is { } missing)
        {
            throw new DevOpsAgentException($"edge: HAProxy's backend {HaproxyConfig.Backend} has no server {missing}", ExitCodes.CommandFailed);
        }

        if (outcome.RefusedWith is { } servers)
        {
            throw new DevOpsAgentException(
                $"edge: not switching to slot {to.Name()}: HAProxy sees it {Find(EdgeStat.Parse(servers), to).Describe()}, not UP", ExitCodes.HealthCheckFailed);
        }

        if (outcome.HaproxyRefusal is { } refusal)
        {
            var line = outcome.IsLive && from is { } drained ? EdgeCommands.MaintenanceLine(drained) : EdgeCommands.ReadyLine(to, from);
            throw new DevOpsAgentException($"edge: HAProxy refused '{line}': {Last(refusal)}", ExitCodes.CommandFailed);
        }

        if (outcome.ConfigNotWritten)
        {
            throw new DevOpsAgentException(
                $"edge: {to.Name()} is live but {edge.ConfigFile} was not rewritten, so a restarted edge would serve the other slot: {Last(result.StandardError)}",
                ExitCodes.CommandFailed);
        }

        if (outcome.ExitCode is not 0 || !outcome.IsDone)
        {
            var state = outcome.IsLive ? $"after {to.Name()} went live" : "before anything changed";
            throw new DevOpsAgentException(
                $"edge: the switch to {to.Name()} stopped {state} (exit code {outcome.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}): "
                + (Last(result.StandardError) is { Length: > 0 } error ? error : "no answer from HAProxy's runtime API"), ExitCodes.CommandFailed);
        }

        return from is not { } previous ? $"{to.Name()} live"
            : outcome.DrainedIn is { } drainedIn ? $"{to.Name()} live; {previous.Name()} drained in {drainedIn.TotalSeconds:0.0}s"
            : $"{to.Name()} live; {previous.Name()} still had {outcome.StillInFlight} request(s) in flight after {drainTimeout.TotalSeconds:0.#}s, put in maintenance";
    }

    public async Task<IReadOnlyList<EdgeServer>> ServersAsync(CancellationToken cancellationToken) =>
        EdgeStat.Parse((await runner.RunAsync(edge.ShowServers(), cancellationToken)).EnsureSuccess(runner.Target).StandardOutput);

    private async Task<EdgeServer> ServerAsync(Slot slot, CancellationToken cancellationToken) =>
        Find(await ServersAsync(cancellationToken), slot);

    private static EdgeServer Find(IReadOnlyList<EdgeServer> servers, Slot slot) =>
        servers.FirstOrDefault(s => s.Slot == slot)
        ?? throw new DevOpsAgentException($"edge: HAProxy's backend {HaproxyConfig.Backend} has no server {slot.Name()}", ExitCodes.CommandFailed);

    private static bool Answered(CommandResult answer) => answer.Succeeded && answer.StandardOutput.StartsWith("# ", StringComparison.Ordinal);

    // Each command of the line answers with an empty line when it succeeds, with its error otherwise.
    private async Task SetAsync(string commands, CancellationToken cancellationToken)
    {
        var answer = (await runner.RunAsync(edge.Runtime(commands), cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;
        if (answer.Trim().Length > 0)
        {
            throw new DevOpsAgentException($"edge: HAProxy refused '{commands}': {Last(answer)}", ExitCodes.CommandFailed);
        }
    }

    private static string Name(Slot slot) => EdgeCommands.ServerName(slot);

    private static string Last(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
