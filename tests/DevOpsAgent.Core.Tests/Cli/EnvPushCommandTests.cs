using System.Text.Json;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Cli;

/// <summary><c>env push</c> and <c>env diff</c> to a <c>server: local</c> environment: the local filesystem path.</summary>
public sealed class EnvPushCommandTests : IDisposable
{
    private const string Canary = "canary-Mn4kR8vQz1Xc6Wp3";

    private readonly TempProject _project = new(git: false);

    private readonly string _server = Directory.CreateTempSubdirectory("devops-agent-server-").FullName;

    public EnvPushCommandTests() => _project.Write("devops-agent.yml", $"""
        project: shop
        repository: /nowhere/shop.git
        environments:
          staging:
            server: local
            user: deploy
            path: {_server}/app
            branch: staging
        """);

    private string ServerEnv => Path.Combine(_server, "app", ".env");

    [Fact]
    public async Task I_can_push_a_dotenv_to_a_local_environment_and_keep_the_previous_one()
    {
        _project.Write(".env", "A=1\nSECRET_KEY=first\n");
        var (first, firstOutput, _) = await RunAsync("env", "push", "staging");
        _project.Write(".env", $"A=1\nSECRET_KEY={Canary}\nNEW=x\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal((ExitCodes.Success, ExitCodes.Success), (first, code));
        Assert.Contains("there was no .env on the server", firstOutput, StringComparison.Ordinal);
        Assert.Equal(["  + NEW", "  ~ SECRET_KEY"], output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)));
        Assert.Contains($"the previous file is kept as {_server}/app/.env.previous", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
        Assert.Equal($"A=1\nSECRET_KEY={Canary}\nNEW=x\n", File.ReadAllText(ServerEnv));
        Assert.Equal("A=1\nSECRET_KEY=first\n", File.ReadAllText(ServerEnv + ".previous"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ServerEnv));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ServerEnv + ".previous"));
        }

        Assert.Equal([".env", ".env.previous"], Directory.GetFiles(Path.Combine(_server, "app")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Env_diff_exits_zero_when_same_and_EnvDiffers_with_key_names_when_not()
    {
        _project.Write(".env", $"A=1\nSECRET_KEY={Canary}\n");
        Directory.CreateDirectory(Path.GetDirectoryName(ServerEnv)!);
        File.WriteAllText(ServerEnv, "A=1\nSECRET_KEY=other\nOLD=1\n");

        var (code, output, error) = await RunAsync("env", "diff", "staging", "--json");
        await RunAsync("env", "push", "staging");
        var (same, sameOutput, _) = await RunAsync("env", "diff", "staging");

        Assert.Equal(ExitCodes.EnvDiffers, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["SECRET_KEY"], json.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["OLD"], json.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("other", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, same);
        Assert.Contains("same keys and values", sameOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_dotenv_is_refused_by_line_and_nothing_is_uploaded()
    {
        _project.Write(".env", $"A=1\nSECRET_KEY=\"{Canary}\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("error: .env: line 3: unterminated quoted value", error.Trim());
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_server, "app")));
    }

    [Fact]
    public async Task A_dry_run_lists_what_would_change_and_uploads_nothing()
    {
        _project.Write(".env", $"SECRET_KEY={Canary}\n");

        var (code, output, _) = await RunAsync("env", "push", "staging", "--dry-run");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("  + SECRET_KEY", output, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing uploaded", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
        Assert.False(File.Exists(ServerEnv));
    }

    private Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments) =>
        _project.RunAsync([.. arguments, "--config", Path.Combine(_project.Root, "devops-agent.yml")]);

    public void Dispose()
    {
        _project.Dispose();
        Directory.Delete(_server, recursive: true);
    }
}
