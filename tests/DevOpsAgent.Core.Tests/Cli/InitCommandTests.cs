using System.Text.Json;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Tests.Conformance;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Cli;

public sealed class InitCommandTests
{
    private static string[] Schema => ConformanceData.Root is null ? [] : ["--compose-schema", ConformanceData.PathOf("compose-spec.json")];

    [Fact]
    public async Task A_freshly_initialised_project_passes_check_with_no_findings()
    {
        using var project = new TempProject();

        var (initCode, initOutput, _) = await project.RunAsync("init", "--name", "shop");
        var (code, output, error) = await project.RunAsync(["check", "--json", .. Schema]);

        Assert.Equal(ExitCodes.Success, initCode);
        Assert.Contains("created     docker-compose.prod.yml", initOutput, StringComparison.Ordinal);
        Assert.True(code == ExitCodes.Success, output + error);
        var document = JsonDocument.Parse(output).RootElement;
        Assert.Empty(document.GetProperty("findings").EnumerateArray());
        Assert.Equal(".env\nnode_modules/\ndist/\n__pycache__/\n*.pyc\n", project.Read(".gitignore"));
    }

    [Fact]
    public async Task The_scaffold_and_its_generated_dotenv_pass_env_check_too()
    {
        using var project = new TempProject();
        await project.RunAsync("init");
        await project.RunAsync("env", "init");

        var (code, output, _) = await project.RunAsync("env", "check");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("no findings", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_never_overwrites_an_existing_file_and_completes_gitignore()
    {
        using var project = new TempProject()
            .Write("docker-compose.yml", "# mine\n")
            .Write(".gitignore", "node_modules/\n/build");

        var (code, output, _) = await project.RunAsync("init");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("skipped     docker-compose.yml (exists; --force to overwrite)", output, StringComparison.Ordinal);
        Assert.Equal("# mine\n", project.Read("docker-compose.yml"));
        Assert.Equal("node_modules/\n/build\n.env\ndist/\n__pycache__/\n*.pyc\n", project.Read(".gitignore"));
        Assert.Contains("created     docker-compose.prod.yml", output, StringComparison.Ordinal);

        var (_, forced, _) = await project.RunAsync("init", "--force", "--json");

        var overwritten = JsonDocument.Parse(forced).RootElement.GetProperty("overwritten").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(9, overwritten.Count);
        Assert.Contains("docker-compose.yml", overwritten);
        Assert.StartsWith("# Development", project.Read("docker-compose.yml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_generated_config_is_valid_once_its_variables_are_set()
    {
        using var project = new TempProject();
        await project.RunAsync("init", "--name", "shop");
        var path = Path.Combine(project.Root, "devops-agent.yml");

        var config = YamlConfigLoader.Load(path, new Dictionary<string, string>
        {
            ["GIT_REPOSITORY"] = "git@example.com:team/shop.git",
            ["STAGING_SERVER"] = "staging.example.com",
            ["PRODUCTION_SERVER"] = "shop.example.com",
        });

        Assert.Equal("shop", config.Project);
        Assert.Equal(["docker-compose.prod.yml"], config.ComposeFiles);
        var staging = config.Environment("staging");
        Assert.Equal(("staging.example.com", 22, "deploy", "/var/www/shop", "staging"), (staging.Server, staging.Port, staging.User, staging.Path, staging.DefaultRef.Name));
        Assert.Equal("http://localhost:8080/health", staging.Health.Http.Single().Url);
        Assert.Equal(("shop.example.com", "v0.1.0"), (config.Environment("production").Server, config.Environment("production").DefaultRef.Name));

        var unset = Assert.Throws<ConfigurationException>(() => YamlConfigLoader.Load(path, new Dictionary<string, string>()));
        Assert.Contains("environments/staging/server", unset.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_project_name_that_is_not_one_is_refused()
    {
        using var project = new TempProject();

        var (code, _, error) = await project.RunAsync("init", "--name", "My Shop;rm");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("not a valid project name", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Root, "docker-compose.yml")));
    }
}
