using System.Text.Json;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Issue 4's acceptance on the real test bed: migrations coordinated, production waits for staging, a broken
/// release rolled back with every row kept, a failed migration leaves the database where it was, and a manual
/// rollback downgrades to the exact revision.
/// </summary>
[Collection(ReferenceStack.Collection)]
public sealed class ReleaseSafetyTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-safety-").FullName;
    private readonly AgentCli _cli;

    public ReleaseSafetyTests() => _cli = new AgentCli(Path.Combine(_scratch, "history.db"));

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task Production_waits_for_staging_then_takes_the_release_and_rolls_a_broken_one_back_keeping_every_row()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", Timeout);
        await TestBed.Current.ResetAsync("production", "shop-production", Timeout);
        await Succeeds("deploy", "staging", "--ref", "v1.0.0");
        Assert.Equal("0001", await ServerData.RevisionAsync("staging"));
        await Succeeds("deploy", "production", "--ref", "v1.0.0", "--qa-approved-by", "qa-agent", "--override-preflight", "first production release");

        var early = await _cli.RunAsync("deploy", "production", "--ref", "v1.1.0", "--qa-approved-by", "qa-agent");
        Assert.Equal(ExitCodes.Refused, early.ExitCode);
        Assert.Contains("FAIL pre-flight: staging tested", early.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL pre-flight: migrations tested: staging has not run 0002 with this release", early.Out, StringComparison.Ordinal);
        Assert.Contains("pass pre-flight: QA approved: approved by qa-agent", early.Out, StringComparison.Ordinal);
        Assert.StartsWith("error: deploy of v1.1.0 to production was REFUSED", early.Error, StringComparison.Ordinal);
        Assert.Equal("1.0.0", await ServerData.ServedVersionAsync("production"));

        var staging = await Succeeds("deploy", "staging", "--ref", "v1.1.0");
        Assert.Contains("ok   migrate (", staging.Out, StringComparison.Ordinal);
        Assert.Equal("0002", await ServerData.RevisionAsync("staging"));

        await Succeeds("deploy", "production", "--ref", "v1.1.0", "--qa-approved-by", "qa-agent");
        Assert.Equal(("1.1.0", "0002"), (await ServerData.ServedVersionAsync("production"), await ServerData.RevisionAsync("production")));
        var history = await LastDeployAsync("production");
        Assert.Equal(["QA approved", "staging tested", "migrations tested", "rollback plan"],
            history.GetProperty("preflight").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.All(history.GetProperty("preflight").EnumerateArray(), i => Assert.True(i.GetProperty("passed").GetBoolean()));
        Assert.Equal(("0001", "0002"), (history.GetProperty("revision_before").GetString(), history.GetProperty("revision_after").GetString()));
        Assert.Equal("qa-agent", history.GetProperty("qa_approved_by").GetString());
        var backup = history.GetProperty("backup").GetString()!;
        Assert.Matches(@"^/var/www/shop/backups/production-\d{8}-\d{6}-0001\.dump$", backup);
        await ServerData.RunAsync("production", DevOpsAgent.Core.Shell.ShellCommand.Of("test", "-s", backup));

        string[] rows = [$"row-{Guid.NewGuid():N}", $"row-{Guid.NewGuid():N}", $"row-{Guid.NewGuid():N}"];
        foreach (var row in rows)
        {
            await ServerData.AddItemAsync("production", row);
        }

        var broken = await _cli.RunAsync("deploy", "production", "--ref", "v1.2.0-broken", "--qa-approved-by", "qa-agent",
            "--override-preflight", "acceptance test: broken on purpose");

        Assert.True(broken.ExitCode == ExitCodes.RolledBack, broken.Out + broken.Error);
        Assert.Contains("rolled back to v1.1.0 (database at 0002)", broken.Error, StringComparison.Ordinal);
        Assert.Equal(("1.1.0", "0002"), (await ServerData.ServedVersionAsync("production"), await ServerData.RevisionAsync("production")));
        Assert.Equal(rows, (await ServerData.ItemNamesAsync("production")).Where(rows.Contains));
        var rolledBack = await LastDeployAsync("production");
        Assert.Equal("rolled_back", rolledBack.GetProperty("outcome").GetString());
        Assert.Equal("acceptance test: broken on purpose", rolledBack.GetProperty("preflight_override").GetString());
        var brokenBackup = rolledBack.GetProperty("backup").GetString()!;
        await ServerData.RunAsync("production", DevOpsAgent.Core.Shell.ShellCommand.Of("test", "-s", brokenBackup));
        var backups = await _cli.RunAsync("backups", "production");
        Assert.Contains(Path.GetFileName(brokenBackup), backups.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_migration_leaves_the_database_where_it_was_and_the_previous_release_serving()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", Timeout);
        await Succeeds("deploy", "staging", "--ref", "v1.1.0");
        await ServerData.AddItemAsync("staging", "kept");

        var bad = await _cli.RunAsync("deploy", "staging", "--ref", "v1.3.0-bad-migration");

        Assert.Equal(ExitCodes.RolledBack, bad.ExitCode);
        Assert.Contains("FAIL migrate (", bad.Out, StringComparison.Ordinal);
        Assert.Contains("ok   rollback: database (", bad.Out, StringComparison.Ordinal);
        Assert.Contains(": already at 0002", bad.Out, StringComparison.Ordinal);
        Assert.Equal(("1.1.0", "0002"), (await ServerData.ServedVersionAsync("staging"), await ServerData.RevisionAsync("staging")));
        Assert.Contains("kept", await ServerData.ItemNamesAsync("staging"));
    }

    [Fact]
    public async Task A_manual_rollback_downgrades_the_database_to_the_release_revision_without_rebuilding()
    {
        await TestBed.Current.ResetAsync("staging", "shop-staging", Timeout);
        await Succeeds("deploy", "staging", "--ref", "v1.0.0");
        await Succeeds("deploy", "staging", "--ref", "v1.1.0");
        await ServerData.AddItemAsync("staging", "survivor");

        var migrations = await Succeeds("migrations", "staging");
        Assert.Contains("database at 0002, code head 0002", migrations.Out, StringComparison.Ordinal);
        Assert.Contains("0002           applied  downgrade: yes", migrations.Out, StringComparison.Ordinal);

        var list = await Succeeds("rollback", "staging", "--list");
        Assert.Contains("staging serves v1.1.0; it can go back to:", list.Out, StringComparison.Ordinal);
        Assert.Contains("v1.0.0", list.Out, StringComparison.Ordinal);

        var rollback = await Succeeds("rollback", "staging", "--to", "v1.0.0");
        Assert.Contains("rollback: database (", rollback.Out, StringComparison.Ordinal);
        Assert.Contains("0002 → 0001", rollback.Out, StringComparison.Ordinal);
        Assert.Contains("kept images of v1.0.0 verified and restored", rollback.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" build", rollback.Out, StringComparison.Ordinal);
        Assert.Equal(("1.0.0", "0001"), (await ServerData.ServedVersionAsync("staging"), await ServerData.RevisionAsync("staging")));
        Assert.Contains("survivor", await ServerData.ItemNamesAsync("staging"));

        var unknown = await _cli.RunAsync("rollback", "staging", "--to", "v9.9.9");
        Assert.Equal(ExitCodes.InvalidInput, unknown.ExitCode);
        Assert.StartsWith("error: no earlier release of staging matches 'v9.9.9'; candidates: v1.1.0 (", unknown.Error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Out, string Error)> Succeeds(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)} → {result.ExitCode}\n{result.Out}\n{result.Error}");
        return result;
    }

    private async Task<JsonElement> LastDeployAsync(string environment)
    {
        var history = await _cli.RunAsync("history", environment, "--json", "--limit", "1");
        return JsonDocument.Parse(history.Out).RootElement[0].Clone();
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
