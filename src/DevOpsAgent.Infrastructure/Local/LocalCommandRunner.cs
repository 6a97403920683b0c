using System.Diagnostics;
using System.Text;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Infrastructure.Local;

/// <summary>Runs commands on this machine through <c>/bin/sh -c</c>: the local backend of the execution seam.</summary>
public sealed class LocalCommandRunner : ICommandRunner
{
    public string Target => "local";

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        var started = Stopwatch.StartNew();
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(command.Text);

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start /bin/sh");
        process.StandardInput.Close();
        var output = ReadAsync(process.StandardOutput, onOutput, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(command, process.ExitCode, await output, await error, started.Elapsed);
    }

    private static async Task<string> ReadAsync(StreamReader reader, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        if (onOutput is null)
        {
            return await reader.ReadToEndAsync(cancellationToken);
        }

        var all = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            onOutput(line);
            all.Append(line).Append('\n');
        }

        return all.ToString();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
