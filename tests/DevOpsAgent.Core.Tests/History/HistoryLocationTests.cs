using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.History;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.History;

public sealed class HistoryLocationTests
{
    private const string Canary = "canary-pw-91b7";

    [Fact]
    public void A_postgresql_url_gives_host_port_database_user_and_a_password_that_is_never_displayed()
    {
        var location = HistoryLocation.Parse($"postgresql://deploy:{Canary}@db.example.com:15432/history", "--history");

        var postgres = Assert.IsType<PostgresLocation>(location.Postgres);
        Assert.Equal(("db.example.com", 15432, "history", "deploy", Canary), (postgres.Host, postgres.Port, postgres.Database, postgres.User, postgres.Password));
        Assert.Equal("postgresql://deploy@db.example.com:15432/history", location.Display);
        Assert.DoesNotContain(Canary, location.ToString() + postgres);
    }

    [Fact]
    public void Percent_escapes_in_the_url_are_decoded_and_the_port_defaults_to_5432()
    {
        var postgres = HistoryLocation.Parse("postgres://dep%40loy:p%3Aw%2Fd@127.0.0.1/my%20db", "--history").Postgres!;

        Assert.Equal(("dep@loy", "p:w/d", 5432, "my db"), (postgres.User, postgres.Password, postgres.Port, postgres.Database));
    }

    [Fact]
    public void The_keyword_form_is_accepted()
    {
        var postgres = HistoryLocation.Parse($"Host=127.0.0.1;Port=15432;Database=history;Username=deploy;Password={Canary}", "--history").Postgres!;

        Assert.Equal(("127.0.0.1", 15432, "history", "deploy", Canary), (postgres.Host, postgres.Port, postgres.Database, postgres.User, postgres.Password));
    }

    [Theory]
    [InlineData("postgresql://deploy:" + Canary + "@127.0.0.1:15432/", "one database")]
    [InlineData("postgresql://deploy:" + Canary + "@127.0.0.1:15432/history?sslmode=require", "no ?query")]
    [InlineData("postgresql://deploy:" + Canary + "@127.0.0.1:99999/history", "should be a URL")]
    [InlineData("Host=127.0.0.1;Password=" + Canary, "needs Host and Database")]
    [InlineData("Host=127.0.0.1;Database=h;Port=x;Password=" + Canary, "Port should be")]
    [InlineData("Host=127.0.0.1;Database=h;Colour=blue;Password=" + Canary, "unknown keyword")]
    public void A_bad_location_is_refused_naming_where_it_came_from_without_the_password(string text, string expected)
    {
        var error = Assert.Throws<DevOpsAgentException>(() => HistoryLocation.Parse(text, "$DEVOPS_AGENT_HISTORY_URL"));

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith("$DEVOPS_AGENT_HISTORY_URL: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(Canary, error.Message);
    }

    [Fact]
    public void A_plain_path_is_a_sqlite_file()
    {
        var location = HistoryLocation.Parse("/tmp/h.db", "--history");

        Assert.Equal("/tmp/h.db", location.SqlitePath);
        Assert.Null(location.Postgres);
        Assert.True(location.Given);
    }

    [Fact]
    public void The_option_wins_over_the_variables_which_win_over_the_config_which_wins_over_the_default()
    {
        const string option = "postgresql://a@h/option", url = "postgresql://a@h/url", path = "/tmp/variable.db";
        var config = HistoryLocation.Parse("postgresql://a@h/config", "history");

        Assert.Equal("option", HistoryLocation.Select(option, url, path, config, "/d.db").Postgres!.Database);
        Assert.Equal("url", HistoryLocation.Select(null, url, path, config, "/d.db").Postgres!.Database);
        Assert.Equal(path, HistoryLocation.Select(null, null, path, config, "/d.db").SqlitePath);
        Assert.Equal("config", HistoryLocation.Select(null, null, null, config, "/d.db").Postgres!.Database);
        var fallback = HistoryLocation.Select("", "", "", null, "/d.db");
        Assert.Equal(("/d.db", false), (fallback.SqlitePath, fallback.Given));
    }

    [Fact]
    public void DEVOPS_AGENT_HISTORY_URL_must_be_a_database_url()
    {
        var error = Assert.Throws<DevOpsAgentException>(() => HistoryLocation.Select(null, "/tmp/file.db", null, null, "/d.db"));

        Assert.StartsWith("$DEVOPS_AGENT_HISTORY_URL: should be a postgresql:// URL", error.Message);
    }

    [Fact]
    public void The_config_history_key_is_read_and_an_invalid_url_names_its_yaml_path_without_the_password()
    {
        const string yaml = """
            project: shop
            repository: /srv/shop.git
            history: postgresql://deploy:${HISTORY_PASSWORD}@db:5432/history
            environments:
              staging:
                server: 127.0.0.1
                path: /var/www/shop
                user: deploy
                branch: main
            """;
        var variables = new Dictionary<string, string> { ["HISTORY_PASSWORD"] = Canary };

        var config = AgentConfig.Read(YamlConfigLoader.Parse(yaml), variables);
        Assert.Equal((Canary, "postgresql://deploy@db:5432/history"), (config.History!.Postgres!.Password, config.History.Display));
        Assert.DoesNotContain(Canary, config.ToString() + System.Text.Json.JsonSerializer.Serialize(config.History));

        var error = Assert.Throws<ConfigurationException>(() => AgentConfig.Read(YamlConfigLoader.Parse(yaml.Replace("5432/history", "5432/")), variables));
        Assert.StartsWith("devops-agent.yml: history: the URL should name one database", error.Message);
        Assert.Contains("(line 3)", error.Message);
        Assert.DoesNotContain(Canary, error.Message);
    }
}
