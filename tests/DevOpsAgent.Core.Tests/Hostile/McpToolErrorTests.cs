using DevOpsAgent.Cli;
using DevOpsAgent.Cli.Mcp;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>MCP tool errors come out of the same boundary as the CLI's: one escaped, capped line with the exit code's name.</summary>
public sealed class McpToolErrorTests : IDisposable
{
    private readonly HostileWorld _world = new();

    [Fact]
    public async Task A_2_MB_environment_name_is_a_one_line_tool_error()
    {
        var error = await new StatusTool(Agent()).CallAsync(new { environment = new string('x', 2_000_000) + "\u202E\n" }, CancellationToken.None);

        Assert.True(error.IsError);
        Assert.EndsWith("(exit code 4, InvalidInput)", error.Text, StringComparison.Ordinal);
        Assert.True(error.Text.Length < InputText.LineLength + 100, $"{error.Text.Length} characters");
        Assert.DoesNotContain('\n', error.Text);
        Assert.DoesNotContain('\u202E', error.Text);
    }

    [Fact]
    public async Task A_history_database_in_a_missing_folder_is_a_tool_error_naming_it()
    {
        var error = await new HistoryTool(Agent("/nonexistent/dir/x.db")).CallAsync(new { }, CancellationToken.None);

        Assert.True(error.IsError);
        Assert.Contains("/nonexistent/dir/x.db", error.Text, StringComparison.Ordinal);
        Assert.EndsWith("(exit code 3, InvalidConfiguration)", error.Text, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/nonexistent/dir"));
    }

    private McpAgent Agent(string? history = null)
    {
        var parse = CliApp.BuildRootCommand(new CliConsole(TextWriter.Null, TextWriter.Null))
            .Parse(["mcp", "--config", Path.Combine(_world.Project, "devops-agent.yml"), "--history", history ?? _world.HistoryFile]);
        return new McpAgent(parse);
    }

    public void Dispose() => _world.Dispose();
}
