using System.Diagnostics;
using DevOpsAgent.Cli;
using DevOpsAgent.Cli.Mcp;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>
/// The MCP check tool is read-only, but git runs what a repository's config names: <c>core.fsmonitor</c> runs on
/// <c>git ls-files</c>. These repositories set it to a command that leaves a marker file; the tool, called in
/// process through the same <see cref="McpAgent"/> the server uses, must never let it run, and must not look
/// outside the configured project at all.
/// </summary>
public sealed class McpCheckHardeningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("devops-agent-mcp-hardening-").FullName;

    private string Project => Path.Combine(_root, "project");

    private string Outside => Path.Combine(_root, "outside");

    private string Marker => Path.Combine(_root, "fsmonitor-ran");

    public McpCheckHardeningTests()
    {
        foreach (var repository in new[] { Project, Outside })
        {
            Directory.CreateDirectory(repository);
            File.WriteAllText(Path.Combine(repository, ".env.example"), "SECRET_KEY=generate_random_value\n");
            Git(repository, "init", "-q");
            Git(repository, "add", "-A");
            Git(repository, "config", "core.fsmonitor", $"touch '{Marker}'; false");
        }

        File.WriteAllText(Path.Combine(Project, "devops-agent.yml"), $"""
            project: shop
            repository: /nowhere/shop.git
            environments:
              staging:
                server: local
                user: deploy
                path: {_root}/app
                branch: staging
            """);
    }

    [Fact]
    public void The_planted_fsmonitor_really_runs_under_plain_git()
    {
        Git(Project, "ls-files", "-z");

        Assert.True(File.Exists(Marker), "the repository's core.fsmonitor did not run: the tests below would prove nothing");
    }

    [Fact]
    public async Task Check_over_mcp_on_a_repository_with_core_fsmonitor_never_runs_it()
    {
        var result = await Tools().CallAsync(new { }, CancellationToken.None);

        Assert.False(result.IsError, result.Text);
        Assert.NotNull(result.Structured!["passed"]);
        Assert.False(File.Exists(Marker), "core.fsmonitor ran during check");
    }

    [Fact]
    public async Task Check_over_mcp_refuses_a_directory_outside_the_project_as_a_tool_error()
    {
        var error = await Tools().CallAsync(new { directory = Outside }, CancellationToken.None);

        Assert.True(error.IsError);
        Assert.Contains("is outside the project directory", error.Text, StringComparison.Ordinal);
        Assert.Contains("exit code 4", error.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public async Task Check_over_mcp_refuses_a_symbolic_link_that_leads_out_of_the_project()
    {
        Directory.CreateSymbolicLink(Path.Combine(Project, "escape"), Outside);

        Assert.True((await Tools().CallAsync(new { directory = "escape" }, CancellationToken.None)).IsError);
        Assert.True((await Tools().CallAsync(new { directory = "../outside" }, CancellationToken.None)).IsError);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void Every_git_query_overrides_the_settings_that_run_programs()
    {
        foreach (var command in new[] { GitQueries.IsWorkTree("/p"), GitQueries.TrackedFiles("/p"), GitQueries.UntrackedFiles("/p"), GitQueries.CheckIgnore("/p", ".env") })
        {
            Assert.StartsWith("cd /p && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_COUNT=0 GIT_OPTIONAL_LOCKS=0 GIT_TERMINAL_PROMPT=0 git --no-pager -c core.fsmonitor= -c core.hooksPath=/dev/null",
                command.Text, StringComparison.Ordinal);
            Assert.Contains("-c protocol.allow=never", command.Text, StringComparison.Ordinal);
        }
    }

    private CheckTool Tools()
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null);
        var parse = CliApp.BuildRootCommand(console).Parse(["mcp", "--config", Path.Combine(Project, "devops-agent.yml"), "--history", Path.Combine(_root, "history.db")]);
        return new CheckTool(new McpAgent(parse));
    }

    private static void Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
