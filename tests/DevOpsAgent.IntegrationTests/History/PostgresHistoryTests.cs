using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.History;

namespace DevOpsAgent.IntegrationTests.History;

/// <summary>The shared PostgreSQL history on the bed: schema migrations, many writers at once, several agents.</summary>
public sealed class PostgresHistoryTests
{
    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token;

    [Fact]
    public async Task Agents_opening_a_fresh_database_at_once_migrate_it_once_and_a_reopen_changes_nothing()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        var agents = Enumerable.Range(0, 8).Select(_ => new PostgresDeployHistory(database.Location)).ToList();

        var applied = await Task.WhenAll(agents.Select(a => Task.Run(() => a.MigrateAsync(Ct))));

        Assert.Equal(PostgresSchemaVersions.Latest, applied.Sum());
        Assert.Equal(PostgresSchemaVersions.Latest, await database.ScalarAsync("SELECT count(*) FROM devops_agent_schema"));
        await agents[0].SaveAsync(SampleRecords.Full("kept"), Ct);
        await using (var reopened = new PostgresDeployHistory(database.Location))
        {
            Assert.Equal(0, await reopened.MigrateAsync(Ct));
            Assert.NotNull(await reopened.GetAsync("kept", Ct));
        }

        Assert.Equal(PostgresSchemaVersions.Latest, await database.ScalarAsync("SELECT count(*) FROM devops_agent_schema"));
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task Many_writers_at_once_lose_no_record_and_no_step()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        var writers = Enumerable.Range(0, 4).Select(_ => new PostgresDeployHistory(database.Location)).ToList();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            writers[i % writers.Count].SaveAsync(SampleRecords.Full($"w-{i}", i % 2 == 0 ? "staging" : "production", minutes: i, steps: 1 + i % 4), Ct))));

        var all = await writers[0].ListAsync(null, 10_000, Ct);
        Assert.Equal(200, all.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"w-{i}").Order(), all.Select(r => r.Id).Order());
        Assert.All(all, r => Assert.Equal(1 + int.Parse(r.Id[2..]) % 4, r.Steps.Count));
        Assert.Equal(all.Sum(r => r.Steps.Count), await database.ScalarAsync("SELECT count(*) FROM devops_agent_deploy_steps"));
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Saves_of_one_record_racing_each_other_leave_one_saves_steps_whole()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        var writers = Enumerable.Range(0, 4).Select(_ => new PostgresDeployHistory(database.Location)).ToList();
        await writers[0].MigrateAsync(Ct);

        for (var round = 0; round < 10; round++)
        {
            var id = $"race-{round}";
            await Task.WhenAll(Enumerable.Range(1, 8).Select(n => Task.Run(() =>
                writers[n % writers.Count].SaveAsync(SampleRecords.Full(id, steps: n) with { Version = $"v{n}" }, Ct))));

            var record = (await writers[0].GetAsync(id, Ct))!;
            // Whichever save committed last, the record and its steps are that save's, none lost or mixed.
            var n = int.Parse(record.Version![1..]);
            Assert.Equal(SampleRecords.Full(id, steps: n).Steps, record.Steps);
        }

        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_agents_with_their_own_configs_record_refusals_in_one_history_at_once_and_each_arrives_once()
    {
        await using var database = await HistoryDatabase.CreateAsync();
        var alice = RefusingAgent.Create("TASK-101");
        var bob = RefusingAgent.Create("TASK-202");
        const int runs = 4;

        async Task RunAsync(RefusingAgent agent)
        {
            for (var i = 0; i < runs; i++)
            {
                using var process = AgentProcess.Start("execute", $"DevOps Agent [EXECUTE {agent.Task}]: Deploy feature to staging",
                    "--config", agent.ConfigPath, "--history", database.Url);
                var (code, output, error) = await process.WaitAsync(minutes: 3);
                Assert.True(code == ExitCodes.Refused, output + error);
            }
        }

        // A third writer in this process, saving straight through the store while the two agents run.
        await using var hammer = new PostgresDeployHistory(database.Location);
        var direct = Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => hammer.SaveAsync(SampleRecords.Full($"direct-{i}", minutes: i), Ct))));
        await Task.WhenAll(RunAsync(alice), RunAsync(bob), direct);

        var all = await hammer.ListAsync(null, 10_000, Ct);
        Assert.Equal(100 + 2 * runs, all.Count);
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(runs, all.Count(r => r.TaskId == "TASK-101" && r.Outcome == DeployOutcome.Refused));
        Assert.Equal(runs, all.Count(r => r.TaskId == "TASK-202" && r.Outcome == DeployOutcome.Refused));
        Assert.Equal(100, all.Count(r => r.Id.StartsWith("direct-", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(true, "devops_agent_deploys_environment_newest", 0)]
    [InlineData(false, "devops_agent_deploys_newest", 0)]
    [InlineData(true, "devops_agent_deploys_environment_newest", 2000)]
    [InlineData(false, "devops_agent_deploys_newest", 5000)]
    public async Task The_latest_records_and_a_deep_page_of_a_large_history_are_read_through_a_newest_first_index_without_sorting(bool byEnvironment, string index, int skip)
    {
        await using var database = await HistoryDatabase.CreateAsync();
        await using var history = new PostgresDeployHistory(database.Location);
        await history.MigrateAsync(Ct);
        await database.ScalarAsync("""
            INSERT INTO devops_agent_deploys (id, action, environment, ref, started_by, started_at, outcome, health_summary)
            SELECT 'bulk-' || i, 'deploy', 'env-' || (i % 5), 'main', 'bot', timestamptz '2026-01-01' + i * interval '1 minute', 'Succeeded', ''
            FROM generate_series(1, 20000) AS i;
            ANALYZE devops_agent_deploys;
            SELECT 0
            """);

        var sql = PostgresDeployHistory.ListSql(byEnvironment).Replace("@environment", "'env-3'").Replace("@limit", "20").Replace("@skip", $"{skip}");
        var plan = await database.TextAsync("EXPLAIN " + sql);

        Assert.Contains(index, plan);
        Assert.DoesNotContain("Sort", plan);
        var latest = await history.PageAsync(byEnvironment ? "env-3" : null, skip, 20, Ct);
        Assert.Equal($"bulk-{(byEnvironment ? 19998 - skip * 5 : 20000 - skip)}", latest[0].Id);
        Assert.Equal(20, latest.Count);
    }

    /// <summary>An agent's own folder: the reference config plus a project state where its task belongs to someone else.</summary>
    private sealed record RefusingAgent(string Task, string ConfigPath)
    {
        public static RefusingAgent Create(string task)
        {
            var folder = Directory.CreateTempSubdirectory("history-agent-").FullName;
            var config = Path.Combine(folder, "devops-agent.yml");
            File.WriteAllText(config, File.ReadAllText(AgentCli.ExampleConfig) + "\norchestrator:\n  project_state: project-state.yml\n");
            File.WriteAllText(Path.Combine(folder, "project-state.yml"), $"""
                tasks:
                  - id: {task}
                    title: Login page
                    assignee: Frontend Agent
                    status: in_progress
                    environment: staging
                """);
            return new RefusingAgent(task, config);
        }
    }
}
