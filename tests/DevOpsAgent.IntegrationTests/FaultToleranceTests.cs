using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Issue 9's faults, injected into a real deploy or rollback of the reference stack: the agent killed
/// (SIGKILL) after the switch began, its SSH connection cut (a proxy between it and sshd resets every
/// connection), Ctrl-C (SIGINT) during `up` and during a rollback. Each is judged on the server afterwards —
/// the code that answers, the database revision, what the kept images hold, the lock — not on what the agent
/// says. Every test serves v1.0.0 first, from an app folder of its own on the production server.
/// </summary>
public sealed class FaultToleranceTests(FaultToleranceTests.SharedStack shared) : IClassFixture<FaultToleranceTests.SharedStack>, IAsyncLifetime
{
    private FaultStack _stack = null!;

    /// <summary>
    /// Every test starts from v1.0.0 serving at 0001 on the stack the class shares, brought back by a rollback (the
    /// feature under test, so a broken recovery fails the next test too) or, when that cannot, by a deploy.
    /// </summary>
    public async Task InitializeAsync()
    {
        _stack = await shared.StackAsync();
        _stack.Proxy.Restore();
        if (await _stack.ServedVersionAsync() == "1.0.0" && await _stack.RevisionAsync() == "0001" && await _stack.LockStateAsync() == "free"
            && await _stack.RecordedVersionAsync() == "v1.0.0" && !await _stack.HasJournalAsync())
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        var back = await _stack.RunAsync("rollback", "production", "--to", "v1.0.0", "--stale-after", "00:00:05");
        if (back.ExitCode != 0)
        {
            back = await _stack.RunAsync(FaultStack.Deploy("v1.0.0", "--stale-after", "00:00:05"));
        }

        Assert.True(back.ExitCode == 0, back.Out + back.Error);
        Assert.Equal("1.0.0", await _stack.ServedVersionAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One stack for the class: deployed from nothing once, about a minute saved per test.</summary>
    public sealed class SharedStack : IAsyncLifetime
    {
        private FaultStack? _stack;

        public async Task<FaultStack> StackAsync()
        {
            if (_stack is null)
            {
                _stack = FaultStack.Create();
                var first = await _stack.RunAsync(FaultStack.Deploy("v1.0.0"));
                Assert.True(first.ExitCode == 0, first.Out + first.Error);
            }

            return _stack;
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_stack is not null)
            {
                await _stack.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("up")]
    [InlineData("health")]
    [InlineData("record release")]
    public async Task A_deploy_killed_after_the_switch_began_is_redeployed_and_a_rollback_then_restores_the_old_release_exactly(string step)
    {
        using (var killed = AgentProcess.Start(_stack.With([.. FaultStack.Deploy("v1.1.0"), "--verbose"])))
        {
            await killed.WaitForStepAsync(step);
            killed.Kill();
            await killed.WaitAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        var rerun = await _stack.RunAsync(FaultStack.Deploy("v1.1.0", "--stale-after", "00:00:05"));

        Assert.True(rerun.ExitCode is ExitCodes.Success or ExitCodes.RolledBack, rerun.Out + rerun.Error);
        if (await _stack.AssertKnownHealthyReleaseAsync() == "1.1.0")
        {
            var rollback = await _stack.RunAsync("rollback", "production", "--to", "v1.0.0");
            Assert.True(rollback.ExitCode == 0, rollback.Out + rollback.Error);
        }

        Assert.Equal(("1.0.0", "0001"), (await _stack.ServedVersionAsync(), await _stack.RevisionAsync()));
        Assert.True(await _stack.ItemsAnswerAsync(), "1.0.0 serves but GET /api/items fails");
        Assert.Equal("1.0.0", await _stack.KeptBackendVersionAsync("v1.0.0"));
        Assert.Equal("1.1.0", await _stack.KeptBackendVersionAsync("v1.1.0"));
    }

    [Fact]
    public async Task A_connection_cut_during_up_ends_with_a_one_line_error_and_the_next_deploy_recovers()
    {
        using (var cut = AgentProcess.Start(_stack.With(FaultStack.Deploy("v1.1.0"))))
        {
            // Without --verbose (which adds stack traces) only finished steps print: migrate's end is up's start.
            await cut.WaitForLineAsync("ok   migrate (");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            _stack.Proxy.Cut();
            var (exitCode, _, error) = await cut.WaitAsync();

            Assert.True(exitCode == ExitCodes.ConnectionFailed, $"exit {exitCode}:\n{cut.Out}\n{error}");
            Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.True(error.Trim().Split('\n').Length == 1, $"more than one line on stderr:\n{error}");
        }

        _stack.Proxy.Restore();
        await Task.Delay(TimeSpan.FromSeconds(6));
        var next = await _stack.RunAsync(FaultStack.Deploy("v1.1.0", "--stale-after", "00:00:05"));

        Assert.True(next.ExitCode is ExitCodes.Success or ExitCodes.RolledBack, next.Out + next.Error);
        await _stack.AssertKnownHealthyReleaseAsync();
        Assert.Equal("free", await _stack.LockStateAsync());
    }

    [Fact]
    public async Task Ctrl_C_during_up_rolls_back_before_the_agent_exits()
    {
        using var interrupted = AgentProcess.Start(_stack.With([.. FaultStack.Deploy("v1.1.0"), "--verbose"]));
        await interrupted.WaitForStepAsync("up");
        await Task.Delay(TimeSpan.FromSeconds(1));
        interrupted.Interrupt();
        var (exitCode, output, error) = await interrupted.WaitAsync();

        Assert.True(exitCode is ExitCodes.Cancelled or ExitCodes.RolledBack, $"exit {exitCode}:\n{output}\n{error}");
        var served = (await _stack.ServedVersionAsync(), await _stack.RevisionAsync());
        Assert.True(served == ("1.0.0", "0001"), $"serves {served} after exit {exitCode}:\n{output}\n{error}");
        Assert.Equal("v1.0.0", await _stack.RecordedVersionAsync());
        Assert.True(await _stack.ItemsAnswerAsync(), "1.0.0 serves but GET /api/items fails");
        Assert.Equal("free", await _stack.LockStateAsync());
    }

    [Fact]
    public async Task Ctrl_C_during_a_rollback_leaves_the_lock_free_or_interrupted_and_the_next_rollback_ends_at_a_known_release()
    {
        var forward = await _stack.RunAsync(FaultStack.Deploy("v1.1.0"));
        Assert.True(forward.ExitCode == 0, forward.Out + forward.Error);

        int interruptedExit;
        using (var interrupted = AgentProcess.Start(_stack.With("rollback", "production", "--to", "v1.0.0", "--verbose")))
        {
            await interrupted.WaitForStepAsync("rollback: up");
            await Task.Delay(TimeSpan.FromSeconds(1));
            interrupted.Interrupt();
            interruptedExit = (await interrupted.WaitAsync()).ExitCode;
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Contains(await _stack.LockStateAsync(), (string[])["free", "abandoned"]);

        // A rollback that finished despite Ctrl-C has nothing left to do; one that stopped is finished by the next.
        if (interruptedExit != ExitCodes.Success)
        {
            var next = await _stack.RunAsync("rollback", "production", "--stale-after", "00:00:05");
            Assert.True(next.ExitCode == 0, next.Out + next.Error);
        }

        await _stack.AssertKnownHealthyReleaseAsync();
        Assert.Equal("free", await _stack.LockStateAsync());
    }
}
