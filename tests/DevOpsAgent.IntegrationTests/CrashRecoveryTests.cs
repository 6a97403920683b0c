using System.Diagnostics;

namespace DevOpsAgent.IntegrationTests;

/// <summary>An agent killed mid-deploy (kill -9): the next command sees what was left half-done and recovers.</summary>
[Collection(ReferenceStack.Collection)]
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-crash-").FullName;
    private readonly AgentCli _cli;

    public CrashRecoveryTests() => _cli = new AgentCli(Path.Combine(_scratch, "history.db"));

    [Fact]
    public async Task A_deploy_killed_half_way_is_reported_and_the_next_deploy_brings_the_server_to_a_known_release()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        var first = await _cli.RunAsync("deploy", "staging", "--ref", "v1.0.0");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);

        await KillDeployAfterAsync("ok   migrations plan", "deploy", "staging", "--ref", "v1.1.0");
        await Task.Delay(TimeSpan.FromSeconds(6));

        var status = await _cli.RunAsync("lock", "status", "staging", "--stale-after", "00:00:05");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("was interrupted at step", status.Out, StringComparison.Ordinal);
        Assert.Contains("last known good release", status.Out, StringComparison.Ordinal);

        var recovery = await _cli.RunAsync("deploy", "staging", "--ref", "v1.1.0", "--stale-after", "00:00:05");

        Assert.True(recovery.ExitCode == 0, recovery.Out + recovery.Error);
        Assert.Contains("warn interrupted operation: deploy ", recovery.Out, StringComparison.Ordinal);
        Assert.Equal(("1.1.0", "0002"), (await ServerData.ServedVersionAsync("staging"), await ServerData.RevisionAsync("staging")));
        var free = await _cli.RunAsync("lock", "status", "staging");
        Assert.Contains("free", free.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_deploy_is_refused_while_one_runs_and_names_the_holder()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        var first = await _cli.RunAsync("deploy", "staging", "--ref", "v1.0.0");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);

        using var running = StartAgent("deploy", "staging", "--ref", "v1.1.0", "--task", "TASK-050");
        await WaitForAsync(running, "ok   lock");

        var second = await _cli.RunAsync("deploy", "staging", "--ref", "v1.0.0");

        Assert.Equal(DevOpsAgent.Core.Errors.ExitCodes.Locked, second.ExitCode);
        Assert.Contains("TASK-050", second.Error, StringComparison.Ordinal);
        Assert.Contains("v1.1.0", second.Error, StringComparison.Ordinal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await running.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, running.ExitCode);
        Assert.Equal("1.1.0", await ServerData.ServedVersionAsync("staging"));
    }

    /// <summary>Runs devops-agent as its own process and kills it (SIGKILL) once it prints <paramref name="marker"/>.</summary>
    private async Task KillDeployAfterAsync(string marker, params string[] args)
    {
        using var process = StartAgent(args);
        await WaitForAsync(process, marker);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static async Task WaitForAsync(Process process, string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                // Keep draining its output so it never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }

        Assert.Fail($"devops-agent ended before printing '{marker}': {await process.StandardError.ReadToEndAsync(timeout.Token)}");
    }

    /// <summary>devops-agent as its own process, with this test's config and history.</summary>
    private Process StartAgent(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "devops-agent.dll"), .. args,
                     "--config", AgentCli.ExampleConfig, "--history", Path.Combine(_scratch, "history.db")])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
