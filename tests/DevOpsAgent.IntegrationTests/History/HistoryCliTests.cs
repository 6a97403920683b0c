using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.History;

namespace DevOpsAgent.IntegrationTests.History;

/// <summary>`history`, `history import` and failures of a PostgreSQL history through the real CLI.</summary>
public sealed class HistoryCliTests
{
    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private static string Password => HistoryDatabase.Bed.Password!;

    [Fact]
    public async Task I_can_import_my_sqlite_history_into_the_shared_one_twice_and_the_second_time_adds_nothing()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("history-import-").FullName;
        var file = Path.Combine(folder, "history.db");
        var local = new SqliteDeployHistory(file);
        await local.SaveAsync(SampleRecords.Full("imp-1", "staging", minutes: 1, steps: 3), Ct);
        await local.SaveAsync(SampleRecords.Full("imp-2", "production", minutes: 2, steps: 2), Ct);
        await local.SaveAsync(SampleRecords.Full("imp-3", "staging", minutes: 3, steps: 0), Ct);
        var cli = new AgentCli(database.Url);

        var first = await cli.RunAsync("history", "import", file, "--verbose");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Contains($"imported 3 record(s) with 5 step(s) into postgresql://deploy@127.0.0.1:15432/{database.Location.Database}; skipped 0 record(s) with 0 step(s)", first.Out);

        await local.SaveAsync(SampleRecords.Full("imp-4", "staging", minutes: 4, steps: 1), Ct);
        var second = await cli.RunAsync("history", "import", file, "--json");
        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        using var json = JsonDocument.Parse(second.Out);
        Assert.Equal((1, 1, 3, 5), (json.RootElement.GetProperty("imported_records").GetInt32(), json.RootElement.GetProperty("imported_steps").GetInt32(),
            json.RootElement.GetProperty("skipped_records").GetInt32(), json.RootElement.GetProperty("skipped_steps").GetInt32()));

        await using var shared = new PostgresDeployHistory(database.Location);
        var expected = await local.ListAsync(null, 100, Ct);
        var actual = await shared.ListAsync(null, 100, Ct);
        Assert.Equal(expected.Select(r => r.Id), actual.Select(r => r.Id));
        Assert.Equal(expected.SelectMany(r => r.Steps), actual.SelectMany(r => r.Steps));
        Assert.DoesNotContain(Password, first.Out + first.Error + second.Out + second.Error);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Importing_a_file_that_does_not_exist_is_refused()
    {
        await using var database = await HistoryDatabase.CreateAsync();

        var result = await new AgentCli(database.Url).RunAsync("history", "import", "/nonexistent/history.db");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("no SQLite history file", result.Error);
    }

    [Fact]
    public async Task History_lists_the_shared_records_newest_first_per_environment()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        await using (var shared = new PostgresDeployHistory(database.Location))
        {
            await shared.SaveAsync(SampleRecords.Full("l-1", "staging", minutes: 1), Ct);
            await shared.SaveAsync(SampleRecords.Full("l-2", "production", minutes: 2), Ct);
            await shared.SaveAsync(SampleRecords.Full("l-3", "staging", minutes: 3) with { Version = "v9.9.9" }, Ct);
        }

        var result = await new AgentCli(database.Url).RunAsync("history", "staging", "--limit", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var only = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("l-3", only.GetProperty("id").GetString());
        var table = await new AgentCli(database.Url).RunAsync("history");
        Assert.Contains("v9.9.9", table.Out);
    }

    [Fact]
    public async Task A_sqlite_file_named_in_the_config_is_relative_to_the_config_folder()
    {
        var folder = Directory.CreateTempSubdirectory("history-config-").FullName;
        var config = Path.Combine(folder, "devops-agent.yml");
        File.WriteAllText(config, File.ReadAllText(AgentCli.ExampleConfig) + "\nhistory: team-history.db\n");
        await new SqliteDeployHistory(Path.Combine(folder, "team-history.db")).SaveAsync(SampleRecords.Full("from-config") with { Version = "v7.7.7" }, Ct);

        using var process = AgentProcess.Start(["history", "--config", config], new Dictionary<string, string>());
        var (code, output, error) = await process.WaitAsync(minutes: 2);

        Assert.True(code == 0, output + error);
        Assert.Contains("v7.7.7", output);
        Directory.Delete(folder, recursive: true);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "unreachable", "is unreachable:" },
        { "wrong-password", "refused the connection: password authentication failed" },
        { "no-database", "refused the connection:" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_shared_history_is_one_line_with_a_named_exit_code_and_never_the_password(string failure, string expected)
    {
        var bed = HistoryDatabase.Bed;
        var (port, password, db) = failure switch
        {
            "unreachable" => (15439, Password, "history"),
            "wrong-password" => (bed.Port, Password + "-wrong", "history"),
            _ => (bed.Port, Password, "no_such_db"),
        };
        var url = $"postgresql://deploy:{password}@127.0.0.1:{port}/{db}";
        var folder = Directory.CreateTempSubdirectory("history-secret-").FullName;
        var config = Path.Combine(folder, "devops-agent.yml");
        File.WriteAllText(config, File.ReadAllText(AgentCli.ExampleConfig) + $"\nhistory: {url}\n");

        // Through each way of choosing it: the option, the variable and the config's history: key.
        foreach (var (args, variables) in new (string[], Dictionary<string, string>)[]
        {
            (["history", "--history", url, "--verbose"], []),
            (["history", "staging", "--verbose", "--config", config], []),
            (["history", "--verbose"], new() { ["DEVOPS_AGENT_HISTORY_URL"] = url }),
        })
        {
            using var process = AgentProcess.Start(args, variables);
            var (code, output, error) = await process.WaitAsync(minutes: 2);

            Assert.True(code == ExitCodes.ConnectionFailed, $"{string.Join(' ', args)}: {code}\n{output}{error}");
            Assert.StartsWith($"error: history database postgresql://deploy@127.0.0.1:{port}/{db} {expected}", error);
            Assert.DoesNotContain(Password, output + error);
        }

        Directory.Delete(folder, recursive: true);
    }
}
