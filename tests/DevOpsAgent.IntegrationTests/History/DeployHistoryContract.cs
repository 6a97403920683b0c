using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Infrastructure.History;

namespace DevOpsAgent.IntegrationTests.History;

/// <summary>What every <see cref="IDeployHistory"/> must do, run against SQLite and the bed's PostgreSQL alike.</summary>
public abstract class DeployHistoryContract : IAsyncLifetime
{
    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    protected IDeployHistory History { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Every_field_round_trips_steps_and_preflight_included()
    {
        var record = SampleRecords.Full("rt-1");
        await History.SaveAsync(record, Ct);

        var read = await History.GetAsync("rt-1", Ct);

        AssertSame(record, read);
        AssertSame(record, Assert.Single(await History.ListAsync(null, 10, Ct)));
    }

    [Fact]
    public async Task A_record_with_nothing_optional_round_trips()
    {
        var record = new DeployRecord { Id = "bare", Environment = "production", Ref = "-", StartedBy = "bot", StartedAt = DateTimeOffset.UnixEpoch.AddDays(20000) };
        await History.SaveAsync(record, Ct);

        AssertSame(record, await History.GetAsync("bare", Ct));
    }

    [Fact]
    public async Task A_later_save_of_a_record_replaces_its_fields_and_steps()
    {
        await History.SaveAsync(SampleRecords.Full("up-1", steps: 5), Ct);
        var finished = SampleRecords.Full("up-1", steps: 2) with { Outcome = DeployOutcome.Succeeded, Error = null, Version = "v1.2.1" };

        await History.SaveAsync(finished, Ct);

        AssertSame(finished, await History.GetAsync("up-1", Ct));
        Assert.Single(await History.ListAsync(null, 10, Ct));
        await History.SaveAsync(finished with { Steps = [] }, Ct);
        Assert.Empty((await History.GetAsync("up-1", Ct))!.Steps);
    }

    [Fact]
    public async Task List_is_newest_first_limited_and_filtered_by_environment()
    {
        await History.SaveAsync(SampleRecords.Full("s-old", "staging", minutes: 0), Ct);
        await History.SaveAsync(SampleRecords.Full("p-mid", "production", minutes: 5), Ct);
        await History.SaveAsync(SampleRecords.Full("s-new", "staging", minutes: 10), Ct);
        await History.SaveAsync(SampleRecords.Full("s-mid", "staging", minutes: 3), Ct);

        Assert.Equal(["s-new", "p-mid", "s-mid", "s-old"], (await History.ListAsync(null, 10, Ct)).Select(r => r.Id));
        Assert.Equal(["s-new", "s-mid"], (await History.ListAsync("staging", 2, Ct)).Select(r => r.Id));
        Assert.Equal(["p-mid"], (await History.ListAsync("production", 10, Ct)).Select(r => r.Id));
        Assert.Empty(await History.ListAsync("nowhere", 10, Ct));
        Assert.All(await History.ListAsync(null, 10, Ct), r => Assert.Equal(2, r.Steps.Count));
    }

    [Fact]
    public async Task A_page_skips_the_newest_records_in_the_same_order_as_the_list_steps_included()
    {
        for (var i = 0; i < 12; i++)
        {
            await History.SaveAsync(SampleRecords.Full($"r-{i:00}", i % 3 == 0 ? "production" : "staging", minutes: i, steps: 1 + i % 3), Ct);
        }

        var all = await History.ListAsync(null, 100, Ct);
        Assert.Equal(all.Skip(5).Take(4).Select(r => r.Id), (await History.PageAsync(null, 5, 4, Ct)).Select(r => r.Id));
        Assert.Equal(["r-01", "r-00"], (await History.PageAsync(null, 10, 25, Ct)).Select(r => r.Id));
        Assert.Empty(await History.PageAsync(null, 12, 25, Ct));
        Assert.Equal(["r-06", "r-03"], (await History.PageAsync("production", 1, 2, Ct)).Select(r => r.Id));
        Assert.Equal(all.Take(3).Select(r => r.Id), (await History.PageAsync(null, 0, 3, Ct)).Select(r => r.Id));
        Assert.All(await History.PageAsync(null, 3, 6, Ct), r => Assert.Equal(1 + int.Parse(r.Id[2..]) % 3, r.Steps.Count));
    }

    [Fact]
    public async Task Records_started_at_the_same_instant_list_latest_saved_first()
    {
        await History.SaveAsync(SampleRecords.Full("same-a"), Ct);
        await History.SaveAsync(SampleRecords.Full("same-b"), Ct);

        Assert.Equal(["same-b", "same-a"], (await History.ListAsync(null, 10, Ct)).Select(r => r.Id));
        Assert.Equal(["same-a"], (await History.PageAsync(null, 1, 10, Ct)).Select(r => r.Id));
    }

    [Fact]
    public async Task Get_of_an_unknown_id_is_null()
    {
        await History.SaveAsync(SampleRecords.Full("known"), Ct);

        Assert.Null(await History.GetAsync("unknown", Ct));
    }

    private static void AssertSame(DeployRecord expected, DeployRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Steps = [], Preflight = [] }, actual with { Steps = [], Preflight = [] });
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Preflight, actual.Preflight);
    }
}

public sealed class SqliteDeployHistoryContractTests : DeployHistoryContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("history-contract-").FullName;

    public override Task InitializeAsync()
    {
        History = new SqliteDeployHistory(Path.Combine(_folder, "history.db"));
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresDeployHistoryContractTests : DeployHistoryContract
{
    private HistoryDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _database = await HistoryDatabase.CreateAsync();
        History = new PostgresDeployHistory(_database.Location);
    }

    public override async Task DisposeAsync()
    {
        await ((PostgresDeployHistory)History).DisposeAsync();
        await _database.DisposeAsync();
    }
}
