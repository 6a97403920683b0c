using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>The deploy lock on the real test bed, in an app folder of its own, over real SSH connections.</summary>
public sealed class LockTests : IAsyncLifetime
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-lock-").FullName;
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "locks-it");
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private static LockInfo Deploy(string holder, string target = "v1.1.0") => new()
    {
        DeployId = $"it-{Guid.NewGuid():N}"[..15],
        Environment = "staging",
        Holder = holder,
        TaskId = "TASK-045",
        Target = target,
        StartedAt = DateTimeOffset.UtcNow,
    };

    private Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args) => _cli.RunAsync([.. args, "--config", _app.ConfigFile]);

    [Fact]
    public async Task Two_deploys_racing_over_two_connections_exactly_one_wins()
    {
        await using var first = await TestBed.Current.ConnectAsync("staging", Timeout);
        await using var second = await TestBed.Current.ConnectAsync("staging", Timeout);

        for (var round = 0; round < 3; round++)
        {
            var alice = Deploy("alice@laptop");
            var bob = Deploy("bob@ci");
            var attempts = new[]
            {
                Attempt(DeployLock.AcquireAsync(first, _app.Path, alice, TimeSpan.Zero, Stale, Timeout)),
                Attempt(DeployLock.AcquireAsync(second, _app.Path, bob, TimeSpan.Zero, Stale, Timeout)),
            };
            var results = await Task.WhenAll(attempts);

            var winner = Assert.Single(results, r => r.Lease is not null).Lease!;
            var loser = Assert.Single(results, r => r.Error is not null).Error!;
            Assert.Equal(ExitCodes.Locked, loser.ExitCode);
            Assert.Contains($"held by deploy {winner.Info.DeployId} of v1.1.0 by {winner.Info.Holder} for TASK-045", loser.Message, StringComparison.Ordinal);
            await winner.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_held_lock_refuses_a_second_deploy_and_lock_status_names_the_holder_and_step()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        await using var lease = await DeployLock.AcquireAsync(ssh, _app.Path, Deploy("alice@laptop", "v1.2.0"), TimeSpan.Zero, Stale, Timeout);
        await lease.UpdateStepAsync("build", Timeout);

        var error = await Assert.ThrowsAsync<DeployLockedException>(
            () => DeployLock.AcquireAsync(ssh, _app.Path, Deploy("bob@ci"), TimeSpan.Zero, Stale, Timeout));
        var text = await CliAsync("lock", "status", "staging");
        var json = await CliAsync("lock", "status", "staging", "--json");

        Assert.StartsWith($"staging ({_app.Path} on deploy@127.0.0.1:2222) is locked: held by deploy {lease.Info.DeployId} of v1.2.0 by alice@laptop "
            + "for TASK-045, started ", error.Message, StringComparison.Ordinal);
        Assert.Contains(", at step build (last heartbeat ", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Locked, text.ExitCode);
        Assert.StartsWith($"Lock of staging: held by deploy {lease.Info.DeployId} of v1.2.0 by alice@laptop", text.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("held", document.RootElement.GetProperty("state").GetString());
        Assert.Equal("build", document.RootElement.GetProperty("info").GetProperty("step").GetString());
        Assert.Equal(lease.Info.DeployId, document.RootElement.GetProperty("deploy_id").GetString());
    }

    [Fact]
    public async Task A_deploy_that_waits_gets_the_lock_once_the_holder_releases_it()
    {
        await using var first = await TestBed.Current.ConnectAsync("staging", Timeout);
        await using var second = await TestBed.Current.ConnectAsync("staging", Timeout);
        var holder = await DeployLock.AcquireAsync(first, _app.Path, Deploy("alice@laptop"), TimeSpan.Zero, Stale, Timeout);
        var waiting = new TaskCompletionSource<LockStatus>(TaskCreationOptions.RunContinuationsAsynchronously);

        var bob = Deploy("bob@ci");
        var acquire = DeployLock.AcquireAsync(second, _app.Path, bob, TimeSpan.FromSeconds(60), Stale, Timeout, waiting.SetResult);
        var seen = await waiting.Task;
        await holder.DisposeAsync();
        await using var lease = await acquire;

        Assert.Equal(holder.Info.DeployId, seen.Info?.DeployId);
        Assert.Null(lease.Abandoned);
        var status = await DeployLock.StatusAsync(first, _app.Path, Stale, Timeout);
        Assert.Equal((LockState.Held, bob.DeployId), (status.State, status.OwnerId));
    }

    [Fact]
    public async Task A_live_deploy_keeps_its_lock_fresh_in_the_background_while_it_works()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var stale = TimeSpan.FromSeconds(3);
        await using var lease = await DeployLock.AcquireAsync(ssh, _app.Path, Deploy("alice@laptop"), TimeSpan.Zero, stale, Timeout);

        for (var i = 0; i < 3; i++)
        {
            await lease.UpdateStepAsync($"step {i}", Timeout);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        await using var other = await TestBed.Current.ConnectAsync("staging", Timeout);
        Assert.Equal(LockState.Held, (await DeployLock.StatusAsync(other, _app.Path, stale, Timeout)).State);
        Assert.Null(lease.LastHeartbeatError);
    }

    [Fact]
    public async Task The_lock_of_a_deploy_that_died_is_reported_abandoned_then_taken_over_with_what_it_left_half_done()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var dead = Deploy("carol@crashed", "v1.2.0") with { Step = "migrate", PreviousCommit = "1234567890abcdef", PreviousRevision = "0001_init" };
        await WriteDeadLockAsync(ssh, dead);

        var status = await CliAsync("lock", "status", "staging");
        var mine = Deploy("alice@laptop", "v1.1.0");
        await using var lease = await DeployLock.AcquireAsync(ssh, _app.Path, mine, TimeSpan.Zero, Stale, Timeout);

        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"Lock of staging: ABANDONED by deploy {dead.DeployId} of v1.2.0 by carol@crashed", status.Out, StringComparison.Ordinal);
        Assert.Equal(dead, lease.Abandoned?.Info);
        Assert.Matches($"^deploy {dead.DeployId} of v1.2.0 by carol@crashed for TASK-045 was interrupted at step migrate \\(no heartbeat for 60\\ds\\); "
            + "last known good release: 1234567890abcdef, database revision 0001_init$", lease.Abandoned!.DescribeInterruption());
        var now = await DeployLock.StatusAsync(ssh, _app.Path, Stale, Timeout);
        Assert.Equal((LockState.Held, mine), (now.State, now.Info));
    }

    [Fact]
    public async Task Two_deploys_taking_over_the_same_dead_lock_at_once_exactly_one_wins()
    {
        await using var first = await TestBed.Current.ConnectAsync("staging", Timeout);
        await using var second = await TestBed.Current.ConnectAsync("staging", Timeout);

        for (var round = 0; round < 3; round++)
        {
            var dead = Deploy("carol@crashed");
            await WriteDeadLockAsync(first, dead);

            var results = await Task.WhenAll(
                Attempt(DeployLock.AcquireAsync(first, _app.Path, Deploy("alice@laptop"), TimeSpan.Zero, Stale, Timeout)),
                Attempt(DeployLock.AcquireAsync(second, _app.Path, Deploy("bob@ci"), TimeSpan.Zero, Stale, Timeout)));

            var winner = Assert.Single(results, r => r.Lease is not null).Lease!;
            var loser = Assert.Single(results, r => r.Error is not null).Error!;
            Assert.Equal(dead.DeployId, winner.Abandoned?.Info?.DeployId);
            Assert.Contains($"held by deploy {winner.Info.DeployId} ", loser.Message, StringComparison.Ordinal);
            await winner.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_the_owner_releases_a_live_lock_unless_an_operator_forces_it()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var lease = await DeployLock.AcquireAsync(ssh, _app.Path, Deploy("alice@laptop"), TimeSpan.Zero, Stale, Timeout);

        var foreign = await ssh.RunAsync(DeployLockCommands.Release(_app.Path, "someone-else"), Timeout);
        var refused = await CliAsync("lock", "release", "staging");
        var stillHeld = await DeployLock.StatusAsync(ssh, _app.Path, Stale, Timeout);
        var forced = await CliAsync("lock", "release", "staging", "--force");
        var lost = await Assert.ThrowsAsync<DeployLockedException>(() => lease.UpdateStepAsync("up", Timeout));
        await lease.DisposeAsync();

        Assert.Equal(DeployLockCommands.NotOwnerExitCode, foreign.ExitCode);
        Assert.Equal($"the lock is held by {lease.Info.DeployId}", foreign.StandardError.Trim());
        Assert.Equal(ExitCodes.Locked, refused.ExitCode);
        Assert.Contains("not released; add --force to release someone else's lock", refused.Error, StringComparison.Ordinal);
        Assert.Equal(LockState.Held, stillHeld.State);
        Assert.Equal(0, forced.ExitCode);
        Assert.StartsWith($"Released the lock of staging, which was held by deploy {lease.Info.DeployId} of v1.1.0 by alice@laptop", forced.Out, StringComparison.Ordinal);
        Assert.StartsWith($"deploy {lease.Info.DeployId} lost the lock of staging", lost.Message, StringComparison.Ordinal);
        Assert.Equal(LockState.Free, (await DeployLock.StatusAsync(ssh, _app.Path, Stale, Timeout)).State);
    }

    private static async Task<(DeployLease? Lease, DeployLockedException? Error)> Attempt(Task<DeployLease> acquire)
    {
        try
        {
            return (await acquire, null);
        }
        catch (DeployLockedException error)
        {
            return (null, error);
        }
    }

    /// <summary>What a deploy killed with -9 ten minutes ago leaves behind: its lock, with a heartbeat that stopped.</summary>
    private async Task WriteDeadLockAsync(ICommandRunner ssh, LockInfo dead)
    {
        Assert.Equal("acquired\n", (await ssh.RunAsync(DeployLockCommands.Acquire(_app.Path, dead), Timeout)).EnsureSuccess().StandardOutput);
        var heartbeat = ShellQuoting.Quote($"{DeployLockCommands.LockPathOf(_app.Path)}/heartbeat");
        (await ssh.RunAsync(ShellCommand.Raw($"echo $(($(date +%s) - 600)) > {heartbeat}"), Timeout)).EnsureSuccess();
    }
}
