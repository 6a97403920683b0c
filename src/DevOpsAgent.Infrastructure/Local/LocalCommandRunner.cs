using System.Diagnostics;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Execution;

namespace DevOpsAgent.Infrastructure.Local;

/// <summary>Runs commands on this machine through /bin/sh, for <c>server: local</c>.</summary>
public sealed class LocalCommandRunner : ICommandRunner
{
    public string Target => "local";

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(command.Text);

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        process.StandardInput.Close();
        var stdout = OutputLines.CollectAsync(process.StandardOutput, onOutput);
        var stderr = OutputLines.CollectAsync(process.StandardError, onOutput);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(command, process.ExitCode, await stdout, await stderr, stopwatch.Elapsed);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
