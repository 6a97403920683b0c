using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Cli;

public sealed class EnvCommandsTests
{
    private const string Canary = "canary-Zq8vT3kLm2Pw9xR4";

    private const string Example = """
        # database
        DATABASE_URL=postgresql://user:pass@db:5432/app
        SECRET_KEY=generate_random_value
        API_BASE_URL=http://localhost:8080
        VITE_API_BASE_URL=http://localhost:8080
        """;

    [Fact]
    public async Task I_can_create_a_dotenv_whose_generated_secrets_never_reach_the_output()
    {
        using var project = new TempProject().Write(".env.example", Example);

        var (code, output, error) = await project.RunAsync("env", "init");

        Assert.Equal(ExitCodes.Success, code);
        var secret = DotenvParser.Parse(project.Read(".env"), ".env").Find("SECRET_KEY")!.Value;
        Assert.True(SecretHeuristics.IsStrongSecret(secret));
        Assert.DoesNotContain(secret, output + error, StringComparison.Ordinal);
        Assert.Contains("generated SECRET_KEY", output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(project.Root, ".env")));
        }
    }

    [Fact]
    public async Task Env_init_refuses_to_overwrite_without_force()
    {
        using var project = new TempProject().Write(".env.example", Example).Write(".env", $"SECRET_KEY={Canary}\n");

        var (code, _, error) = await project.RunAsync("env", "init");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Contains(Canary, project.Read(".env"), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, (await project.RunAsync("env", "init", "--force")).ExitCode);
        Assert.DoesNotContain(Canary, project.Read(".env"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_freshly_initialised_and_ignored_dotenv_passes_env_check()
    {
        using var project = new TempProject().Write(".env.example", Example).Write(".gitignore", ".env\n");
        await project.RunAsync("env", "init");

        var (code, output, _) = await project.RunAsync("env", "check");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("no findings", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_check_reports_every_problem_by_key_and_line_without_printing_values()
    {
        using var project = new TempProject()
            .Write(".env.example", Example + "\nSMTP_PASSWORD=\n")
            .Write(".env", $"""
                DATABASE_URL=mysql//{Canary}
                SECRET_KEY={Canary}
                API_BASE_URL=
                VITE_API_BASE_URL=changeme
                DEBUG_TOKEN={Canary}
                """);
        project.Git("add", ".env");

        var (code, output, error) = await project.RunAsync("env", "check", "--json");

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
        var rules = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("file").GetString()}:{f.GetProperty("line").GetInt32()} {f.GetProperty("rule").GetString()}");
        Assert.Equal(
        [
            ".env:0 env-tracked", ".env:1 env-database-url", ".env:2 env-weak-secret", ".env:3 env-empty-value",
            ".env:4 env-placeholder", ".env:5 env-extra-key", ".env.example:6 env-missing-key", ".gitignore:0 env-not-ignored",
        ], rules);
    }

    [Fact]
    public async Task A_malformed_dotenv_is_one_clear_line_with_a_named_exit_code()
    {
        using var project = new TempProject().Write(".env.example", Example).Write(".env", $"SECRET_KEY=\"{Canary}\n");

        var (code, output, error) = await project.RunAsync("env", "check");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("error: .env: line 2: unterminated quoted value", error.Trim());
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
    }
}
