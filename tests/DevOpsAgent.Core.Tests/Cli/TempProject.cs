using System.Diagnostics;
using DevOpsAgent.Cli;

namespace DevOpsAgent.Core.Tests.Cli;

/// <summary>A throwaway project directory (optionally a git repository) and a way to run the CLI in it.</summary>
public sealed class TempProject : IDisposable
{
    public TempProject(bool git = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "devops-agent-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        if (git)
        {
            Git("init", "-q");
        }
    }

    public string Root { get; }

    public TempProject Write(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public string Read(string path) => File.ReadAllText(Path.Combine(Root, path));

    public void Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Commands that change a server (env push) write history: to a file of the test's, never the user's.
        var code = await CliApp.RunAsync([.. arguments, "--dir", Root, "--history", _history], new CliConsole(output, error) { Interactive = false }, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private readonly string _history = Path.Combine(Path.GetTempPath(), $"devops-agent-test-history-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _history, _history + "-wal", _history + "-shm" })
        {
            File.Delete(file);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
