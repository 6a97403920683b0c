using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Configuration;

public sealed class ConfigurationTests
{
    private static readonly Dictionary<string, string> NoVariables = [];

    private const string Minimal = """
        project: shop
        repository: git@example.com:acme/shop.git
        environments:
          staging:
            server: staging.example.com
            user: deploy
            path: /var/www/shop
            branch: staging
        """;

    private static AgentConfig Read(string yaml, Dictionary<string, string>? variables = null) =>
        AgentConfig.Read(YamlConfigLoader.Parse(yaml), variables ?? NoVariables);

    private static string ErrorOf(string yaml, Dictionary<string, string>? variables = null) =>
        Assert.Throws<ConfigurationException>(() => Read(yaml, variables)).Message;

    [Fact]
    public void The_documented_example_config_is_valid()
    {
        var config = YamlConfigLoader.Load(RepoFiles.Path("examples/fullstack/devops-agent.yml"), NoVariables);

        Assert.Equal("shop", config.Project);
        Assert.Equal("/var/lib/devops-agent-testbed/origin/shop.git", config.Repository);
        var staging = config.Environment("staging");
        Assert.Equal(("127.0.0.1", 2222, "deploy", "/var/www/shop", "staging", "shop-staging"),
            (staging.Server, staging.Port, staging.User, staging.Path, staging.DefaultRef.Name, staging.ComposeProject));
        Assert.Equal(["docker-compose.prod.yml"], staging.ComposeFiles);
        Assert.Equal("healthy", Assert.Single(staging.Health.Http).ExpectedJson["status"]);
        Assert.Equal(TimeSpan.FromSeconds(180), staging.Health.Timeout);
        Assert.Equal("v1.1.0", config.Environment("production").DefaultRef.Name);
    }

    [Fact]
    public void The_config_block_in_the_readme_is_the_example_config()
    {
        var readme = File.ReadAllText(RepoFiles.Path("README.md"));
        var example = File.ReadAllText(RepoFiles.Path("examples/fullstack/devops-agent.yml"));
        Assert.Contains(example.Trim(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_fill_what_a_minimal_config_leaves_out()
    {
        var staging = Read(Minimal).Environment("staging");
        Assert.Equal(22, staging.Port);
        Assert.Equal("shop-staging", staging.ComposeProject);
        Assert.Equal(["docker-compose.yml"], staging.ComposeFiles);
        Assert.Equal("db", staging.Health.DatabaseService);
    }

    [Fact]
    public void A_missing_server_names_its_path_and_the_seed_variable() =>
        Assert.Equal("devops-agent.yml: environments/staging/server: required (or set REMOTE_SERVER)",
            ErrorOf(Minimal.Replace("    server: staging.example.com\n", "", StringComparison.Ordinal)));

    [Fact]
    public void The_seeds_remote_variables_are_fallbacks()
    {
        var yaml = Minimal.Replace("    server: staging.example.com\n    user: deploy\n    path: /var/www/shop\n", "", StringComparison.Ordinal);
        var staging = Read(yaml, new() { ["REMOTE_SERVER"] = "10.1.2.3", ["REMOTE_USER"] = "ops", ["REMOTE_PATH"] = "/srv/shop" }).Environment("staging");
        Assert.Equal(("10.1.2.3", "ops", "/srv/shop"), (staging.Server, staging.User, staging.Path));
    }

    [Fact]
    public void Variables_expand_with_defaults_and_unset_ones_are_named()
    {
        var yaml = Minimal.Replace("staging.example.com", "${STAGING_HOST:-fallback.example.com}", StringComparison.Ordinal);
        Assert.Equal("fallback.example.com", Read(yaml).Environment("staging").Server);
        Assert.Equal("set.example.com", Read(yaml, new() { ["STAGING_HOST"] = "set.example.com" }).Environment("staging").Server);
        Assert.Equal("devops-agent.yml: environments/staging/server: ${STAGING_HOST} is not set in the environment (line 5)",
            ErrorOf(Minimal.Replace("staging.example.com", "${STAGING_HOST}", StringComparison.Ordinal)));
    }

    [Fact]
    public void Unknown_keys_are_refused_with_their_path() =>
        Assert.StartsWith("devops-agent.yml: environments/staging/pasword: unknown key",
            ErrorOf(Minimal + "\n    pasword: hunter2\n"), StringComparison.Ordinal);

    [Fact]
    public void Wrong_types_are_refused_with_their_path() =>
        Assert.Equal("devops-agent.yml: environments/staging/port: should be a whole number from 1 to 65535 (line 9)",
            ErrorOf(Minimal + "\n    port: twenty-two\n"));

    [Fact]
    public void A_ref_with_shell_metacharacters_is_refused_at_load() =>
        Assert.Equal("devops-agent.yml: environments/staging/branch: invalid git ref: ';' is not allowed in a ref (line 8)",
            ErrorOf(Minimal.Replace("branch: staging", "branch: \"v1;rm -rf /\"", StringComparison.Ordinal)));

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<ConfigurationException>(() => Read("project: Shop!\nenvironments:\n  staging:\n    port: 0\n"));
        Assert.Equal(
            [
                "project: should be lowercase letters, digits, '-' or '_', starting with a letter or digit (line 1)",
                "environments/staging/branch: required (or set tag)",
                "environments/staging/path: required (or set REMOTE_PATH)",
                "environments/staging/server: required (or set REMOTE_SERVER)",
                "environments/staging/port: should be a whole number from 1 to 65535 (line 4)",
                "environments/staging/user: required (or set REMOTE_USER)",
                "repository: required",
            ],
            error.Problems);
    }

    [Fact]
    public void Invalid_yaml_names_the_line() =>
        Assert.StartsWith("devops-agent.yml: line 2: invalid YAML:", ErrorOf("project: shop\n  bad: [unclosed\n"), StringComparison.Ordinal);

    [Fact]
    public void Health_checks_are_validated()
    {
        var yaml = Minimal + "\n    health:\n      timeout: soon\n      http:\n        - url: ftp://x\n";
        var error = Assert.Throws<ConfigurationException>(() => Read(yaml));
        Assert.Equal(["environments/staging/health/timeout: should be a duration such as 90s, 5m or 500ms (line 10)",
            "environments/staging/health/http: 'ftp://x' is not an http(s) URL"], error.Problems);
    }

    [Fact]
    public void An_unknown_environment_lists_the_configured_ones() =>
        Assert.Equal("devops-agent.yml: environments/prod: no such environment (configured: staging)",
            Assert.Throws<ConfigurationException>(() => Read(Minimal).Environment("prod")).Message);
}
