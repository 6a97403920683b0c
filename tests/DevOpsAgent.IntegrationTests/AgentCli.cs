using DevOpsAgent.Cli;

namespace DevOpsAgent.IntegrationTests;

/// <summary>Runs devops-agent in-process, as a user would from a shell, and captures what it prints.</summary>
public sealed class AgentCli(string historyFile)
{
    public static string ExampleConfig { get; } = FindExampleConfig();

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var output = new StringWriter();
        var error = new StringWriter();
        string[] all = [.. args, "--history", historyFile];
        if (!args.Contains("--config"))
        {
            all = [.. all, "--config", ExampleConfig];
        }

        var code = await CliApp.RunAsync(all, new CliConsole(output, error) { Interactive = false }, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }

    private static string FindExampleConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "fullstack", "devops-agent.yml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("examples/fullstack/devops-agent.yml not found");
    }
}
