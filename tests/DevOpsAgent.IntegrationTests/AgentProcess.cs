using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// The built devops-agent.dll as its own process, so that a test can kill it (SIGKILL), interrupt it (SIGINT,
/// what Ctrl-C sends) or cut its connection once it prints a given line, then read its exit code and output.
/// </summary>
public sealed class AgentProcess : IDisposable
{
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly List<string> _out = [];
    private readonly List<string> _error = [];

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Out => Joined(_out);

    public string Error => Joined(_error);

    /// <summary>
    /// Starts devops-agent with <paramref name="args"/>. It goes through <c>env --default-signal=INT</c>
    /// (which execs, keeping the pid): a test host started in the background may have SIGINT ignored, and the
    /// agent would inherit that.
    /// </summary>
    public static AgentProcess Start(params string[] args) => Start(args, null);

    /// <summary>
    /// Starts devops-agent with <paramref name="args"/> and, when <paramref name="variables"/> is given, only those of
    /// the history variables ($DEVOPS_AGENT_HISTORY, $DEVOPS_AGENT_HISTORY_URL) plus the given ones.
    /// </summary>
    public static AgentProcess Start(string[] args, IReadOnlyDictionary<string, string>? variables)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["NO_COLOR"] = "1";
        if (variables is not null)
        {
            start.Environment.Remove("DEVOPS_AGENT_HISTORY");
            start.Environment.Remove("DEVOPS_AGENT_HISTORY_URL");
            foreach (var (name, value) in variables)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var argument in (string[])["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "devops-agent.dll"), .. args])
        {
            start.ArgumentList.Add(argument);
        }

        return new AgentProcess(new Process { StartInfo = start });
    }

    /// <summary>Waits until a line of its output contains <paramref name="marker"/>; fails when it ends first.</summary>
    public async Task WaitForLineAsync(string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (!timeout.IsCancellationRequested)
        {
            lock (_out)
            {
                if (_out.Any(line => line.Contains(marker, StringComparison.Ordinal)))
                {
                    return;
                }
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                Assert.Fail($"devops-agent ended ({_process.ExitCode}) before printing '{marker}':\n{Out}\n{Error}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        Assert.Fail($"devops-agent did not print '{marker}' within 5 minutes:\n{Out}");
    }

    /// <summary>Waits for the step's start line (printed with --verbose: <c>[  12.3s] … up</c>).</summary>
    public Task WaitForStepAsync(string step) => WaitForLineAsync($"] … {step}");

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Interrupt() => Assert.Equal(0, SendSignal(_process.Id, SigInt));

    /// <summary>Waits for it to end (killed after <paramref name="minutes"/>) and returns what it said.</summary>
    public async Task<(int ExitCode, string Out, string Error)> WaitAsync(int minutes = 6)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"devops-agent did not end within {minutes} minutes:\n{Out}\n{Error}");
        }

        // The parameterless wait also waits for the redirected streams to be read to their end.
        _process.WaitForExit();
        return (_process.ExitCode, Out, Error);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static string Joined(List<string> lines)
    {
        lock (lines)
        {
            return string.Join('\n', lines);
        }
    }
}
