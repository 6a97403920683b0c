using System.Text;
using DevOpsAgent.Cli;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>
/// A throwaway machine for one hostile case: a project whose devops-agent.yml points at servers that do not
/// exist (127.0.0.1, port 1: connecting fails at once with ConnectionFailed, so a case that connects shows it),
/// an app folder and a history database that must never appear, and a folder outside the project for files a
/// case must not be able to reach.
/// </summary>
public sealed class HostileWorld : IDisposable
{
    public HostileWorld()
    {
        Root = Directory.CreateTempSubdirectory("devops-agent-hostile-").FullName;
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(Outside);
        Write("project/devops-agent.yml", $"""
            project: shop
            repository: /nowhere/shop.git
            environments:
              staging:
                server: 127.0.0.1
                port: 1
                user: deploy
                path: {App}
                identity_file: {Root}/no-such-key
                known_hosts: {Root}/no-such-known-hosts
                branch: staging
              production:
                server: 127.0.0.1
                port: 1
                user: deploy
                path: {App}
                identity_file: {Root}/no-such-key
                known_hosts: {Root}/no-such-known-hosts
                tag: v1.0.0
            """);
        Write("project/.env", "SECRET_KEY=canary-hostile-Qw8rT2zX\nDATABASE_URL=postgresql://shop:pw@db:5432/shop\n");
        Write("project/.env.example", "SECRET_KEY=generate_random_value\nDATABASE_URL=postgresql://user:pass@db:5432/app\n");
        Write("outside/secret.env", "STOLEN=canary-outside-Lm3nB7vC\n");
    }

    public string Root { get; }

    public string Project => Path.Combine(Root, "project");

    public string Outside => Path.Combine(Root, "outside");

    /// <summary>The environments' app folder: a case that reached a server would have made it.</summary>
    public string App => Path.Combine(Root, "app");

    public string HistoryFile => Path.Combine(Root, "history.db");

    public void Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    public void Write(string path, byte[] content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    public void Link(string path, string target) => File.CreateSymbolicLink(Path.Combine(Root, path), Expand(target));

    public string Expand(string argument) =>
        argument.Replace("{project}", Project, StringComparison.Ordinal).Replace("{root}", Root, StringComparison.Ordinal);

    /// <summary>Every file and folder with its size and time: what "nothing changed" is checked against.</summary>
    public IReadOnlyList<string> Snapshot() =>
        [.. new DirectoryInfo(Root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(i => $"{Path.GetRelativePath(Root, i.FullName)} {(i as FileInfo)?.Length} {i.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Runs the CLI in process with the world's config and history unless the case gives its own. The run is
    /// abandoned after <paramref name="budget"/>: a guard against hangs and blow-ups (anchor bombs, quadratic
    /// parsers, unbounded reads), not a speed measurement.
    /// </summary>
    public async Task<HostileRun> RunAsync(IReadOnlyList<string> arguments, TimeSpan budget)
    {
        var args = arguments.Select(Expand).ToList();
        if (!args.Contains("--config") && !args.Contains("-c"))
        {
            args.AddRange(["--config", Path.Combine(Project, "devops-agent.yml")]);
        }

        if (!args.Contains("--history"))
        {
            args.AddRange(["--history", HistoryFile]);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        using var cancellation = new CancellationTokenSource();
        var console = new CliConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error)) { Interactive = false, In = new StringReader("") };
        var run = Task.Run(() => CliApp.RunAsync([.. args], console, cancellation.Token));
        if (await Task.WhenAny(run, Task.Delay(budget)) != run)
        {
            await cancellation.CancelAsync();
            return new HostileRun(null, output.ToString(), error.ToString());
        }

        return new HostileRun(await run, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What one run left: its exit code (null when it overran its budget) and what it printed.</summary>
public sealed record HostileRun(int? ExitCode, string Out, string Error);
