using System.Text.Json;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Tests.Cli;

namespace DevOpsAgent.Core.Tests.RealProjects;

public sealed class CliEdgesTests
{
    private static async Task<(int Code, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(arguments, new CliConsole(output, error) { Interactive = false }, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("check")]
    [InlineData("env", "required")]
    [InlineData("env", "check")]
    public async Task A_missing_project_folder_is_one_line_and_an_invalid_input_exit(params string[] verb)
    {
        var (code, output, error) = await RunAsync([.. verb, "-C", "/nonexistent/devops-agent-project"]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("/nonexistent/devops-agent-project: no such directory", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_command_under_json_still_prints_a_json_document()
    {
        using var project = new TempProject();

        var (code, output, _) = await project.RunAsync("env", "check", "--json", "--example", "missing.example");

        Assert.Equal(ExitCodes.InvalidInput, code);
        var document = JsonDocument.Parse(output).RootElement;
        Assert.False(document.GetProperty("ok").GetBoolean());
        Assert.Contains("missing.example", document.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_run_from_a_subfolder_checks_the_whole_repository()
    {
        using var project = new TempProject()
            .Write("docker-compose.yml", "services:\n  web:\n    build: .\n")
            .Write("backend/app/main.py", "print('hello')\n");
        project.Git("add", "-A");

        var (_, output, _) = await RunAsync("check", "--json", "-C", Path.Combine(project.Root, "backend", "app"));

        Assert.Contains(JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("file").GetString() == "docker-compose.yml" && f.GetProperty("rule").GetString() == "compose-healthcheck");
    }

    [Fact]
    public async Task Env_check_pairs_the_env_file_with_its_template_whatever_the_template_is_called()
    {
        using var project = new TempProject()
            .Write(".gitignore", ".env\n")
            .Write(".env.sample", "API_URL=\n")
            .Write(".env", "API_URL=https://api.example.com\n");

        var (code, output, error) = await project.RunAsync("env", "check");

        Assert.True(code == ExitCodes.Success, output + error);
        Assert.Contains(".env matches .env.sample", output, StringComparison.Ordinal);
    }
}
