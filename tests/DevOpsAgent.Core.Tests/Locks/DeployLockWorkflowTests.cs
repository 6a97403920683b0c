using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Locks;

namespace DevOpsAgent.Core.Tests.Locks;

/// <summary>Taking, waiting for, taking over and releasing the lock against the recording backend.</summary>
public sealed class DeployLockWorkflowTests
{
    private static readonly LockInfo Mine = DeployLockCommandsTests.Info;

    private static readonly LockInfo Theirs = new()
    {
        DeployId = "20250131093000-staging-def456",
        Environment = "staging",
        Holder = "bob@ci",
        TaskId = "TASK-044",
        Target = "v1.1.0",
        StartedAt = new DateTimeOffset(2025, 1, 31, 9, 30, 0, TimeSpan.Zero),
        Step = "build",
        PreviousCommit = "2222222222222222222222222222222222222222",
        PreviousRevision = "0001_init",
    };

    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(60);

    private static RecordingCommandRunner Server(string acquire, int heartbeatAge) => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("if mkdir", standardOutput: acquire + "\n")
        .Answer("echo \"now=", standardOutput: $"now=1000\nbeat={1000 - heartbeatAge}\nowner={Theirs.DeployId}\ninfo={Theirs.ToJson()}\n");

    [Fact]
    public async Task A_lock_folder_the_deploy_user_cannot_create_is_one_line_naming_the_folder_and_why()
    {
        var server = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer("if mkdir", exitCode: 1, standardError: "mkdir: cannot create directory '/var/www/x/.devops-agent': Permission denied\n");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(() => DeployLock.AcquireAsync(server, "/var/www/x", Mine, TimeSpan.Zero, Stale, CancellationToken.None));

        Assert.Equal((ExitCodes.CommandFailed, "Cannot take the deploy lock /var/www/x/.devops-agent/lock on deploy@staging.example.com:22: "
            + "mkdir: cannot create directory '/var/www/x/.devops-agent': Permission denied (exit code 1)"), (error.ExitCode, error.Message));
    }

    [Fact]
    public async Task A_free_lock_is_taken_and_released_on_dispose()
    {
        var server = Server("acquired", 0);

        await using (var lease = await DeployLock.AcquireAsync(server, "/var/www/shop", Mine, TimeSpan.Zero, Stale, CancellationToken.None))
        {
            Assert.Null(lease.Abandoned);
            Assert.Equal(TimeSpan.FromSeconds(10), lease.HeartbeatInterval);
        }

        Assert.Equal(
            [DeployLockCommands.Acquire("/var/www/shop", Mine).Text, DeployLockCommands.Release("/var/www/shop", Mine.DeployId).Text],
            server.Commands.Select(c => c.Text));
    }

    [Fact]
    public async Task A_live_deploys_lock_is_refused_naming_its_holder_task_target_start_and_step()
    {
        var server = Server("held", 4);

        var error = await Assert.ThrowsAsync<DeployLockedException>(
            () => DeployLock.AcquireAsync(server, "/var/www/shop", Mine, TimeSpan.Zero, Stale, CancellationToken.None));

        Assert.Equal(
            "staging (/var/www/shop on deploy@staging.example.com:22) is locked: held by deploy 20250131093000-staging-def456 of v1.1.0 by bob@ci "
            + "for TASK-044, started 2025-01-31 09:30:00 UTC, at step build (last heartbeat 4s ago). Wait for it (--lock-wait), or if that deploy "
            + "is dead, `devops-agent lock release staging --force`",
            error.Message);
        Assert.Equal(ExitCodes.Locked, error.ExitCode);
        Assert.Equal(LockState.Held, error.Status.State);
    }

    [Fact]
    public async Task A_dead_deploys_lock_is_taken_over_and_tells_what_was_left_half_done()
    {
        var server = Server("held", 300).Answer("echo gone", standardOutput: "acquired\n");

        await using var lease = await DeployLock.AcquireAsync(server, "/var/www/shop", Mine, TimeSpan.Zero, Stale, CancellationToken.None);

        Assert.Equal(LockState.Abandoned, lease.Abandoned?.State);
        Assert.Equal(Theirs, lease.Abandoned?.Info);
        Assert.Equal(
            "deploy 20250131093000-staging-def456 of v1.1.0 by bob@ci for TASK-044 was interrupted at step build (no heartbeat for 300s); "
            + "last known good release: 2222222222222222222222222222222222222222, database revision 0001_init",
            lease.Abandoned?.DescribeInterruption());
        Assert.Equal(DeployLockCommands.TakeOver("/var/www/shop", Theirs.DeployId, Stale, Mine).Text, server.Commands[2].Text);
    }

    [Fact]
    public async Task A_deploy_that_was_taken_over_learns_it_at_its_next_step_and_leaves_the_new_lock_alone()
    {
        var server = Server("acquired", 0).Answer("info.json.tmp", exitCode: 3, standardError: "the lock is held by someone-else");
        var lease = await DeployLock.AcquireAsync(server, "/var/www/shop", Mine, TimeSpan.Zero, Stale, CancellationToken.None);

        var error = await Assert.ThrowsAsync<DeployLockedException>(() => lease.UpdateStepAsync("up", CancellationToken.None));
        await lease.DisposeAsync();

        Assert.Equal("deploy 20250131100000-staging-abc123 lost the lock of staging: it was taken over after its heartbeat stopped "
            + "(the lock is held by someone-else)", error.Message);
        Assert.True(lease.IsLost);
        Assert.DoesNotContain(server.Commands, c => c.Text.Contains("rm -rf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_previous_release_is_recorded_in_the_lock_as_soon_as_it_is_known()
    {
        var server = Server("acquired", 0);
        await using var lease = await DeployLock.AcquireAsync(server, "/var/www/shop", Mine, TimeSpan.Zero, Stale, CancellationToken.None);

        await lease.UpdateAsync(i => i with { PreviousCommit = "abc", PreviousRevision = "0002" }, CancellationToken.None);
        await lease.UpdateStepAsync("migrate", CancellationToken.None);

        var expected = Mine with { PreviousCommit = "abc", PreviousRevision = "0002", Step = "migrate" };
        Assert.Equal(expected, lease.Info);
        Assert.Equal(DeployLockCommands.Update("/var/www/shop", expected).Text, server.Commands[^1].Text);
    }

    [Fact]
    public async Task An_operator_releases_a_live_lock_only_with_force_and_only_the_lock_it_saw()
    {
        var server = Server("held", 4);

        var refused = await Assert.ThrowsAsync<DeployLockedException>(
            () => DeployLock.ReleaseAsync(server, "/var/www/shop", "staging", force: false, Stale, CancellationToken.None));
        var released = await DeployLock.ReleaseAsync(server, "/var/www/shop", "staging", force: true, Stale, CancellationToken.None);

        Assert.Equal("staging is locked by a live deploy 20250131093000-staging-def456 of v1.1.0 by bob@ci for TASK-044, started "
            + "2025-01-31 09:30:00 UTC, at step build (last heartbeat 4s ago): not released; add --force to release someone else's lock", refused.Message);
        Assert.Equal(Theirs, released.Info);
        Assert.Equal(DeployLockCommands.Release("/var/www/shop", Theirs.DeployId).Text, server.Commands[^1].Text);
    }

    [Fact]
    public async Task A_server_that_never_answers_like_a_filesystem_is_an_error_not_an_endless_loop()
    {
        var recorder = new RecordingCommandRunner("dry-run");

        var error = await Assert.ThrowsAsync<DevOpsAgentException>(
            () => DeployLock.AcquireAsync(recorder, "/var/www/shop", Mine, TimeSpan.FromMinutes(1), Stale, CancellationToken.None));

        Assert.Equal(ExitCodes.CommandFailed, error.ExitCode);
        Assert.Equal("Could not take the deploy lock /var/www/shop/.devops-agent/lock on dry-run: the lock keeps changing (last answer: '')", error.Message);
    }

    [Fact]
    public void A_lock_being_created_or_without_a_readable_stamp_counts_as_fresh()
    {
        Assert.Equal(LockStatus.Free, LockStatus.Parse("now=1000\n", Stale));
        Assert.Equal(LockState.Held, LockStatus.Parse("now=1000\nbeat=\nowner=\ninfo=\n", Stale).State);
        Assert.Equal(LockState.Abandoned, LockStatus.Parse("now=1000\nbeat=940\nowner=\ninfo=\n", Stale).State);
    }
}
