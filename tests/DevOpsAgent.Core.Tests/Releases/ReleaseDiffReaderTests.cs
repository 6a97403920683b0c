using System.Text.Json;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Releases;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Releases;

/// <summary>A release diff read from a recorded server: the defaults, the refs, and the keys-only env template.</summary>
public sealed class ReleaseDiffReaderTests
{
    internal const string V100 = "d4f6cfc0a1b2c3d4e5f60718293a4b5c6d7e8f90";
    internal const string V110 = "e3d42a8add1d3e88fcac0b2acee504fd0bd4a542";
    private const string V120 = "81b2671aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5";
    internal const string Canary = "canary-secret-3c9a77e1";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    internal static readonly Core.Configuration.EnvironmentConfig Staging = ProtocolFakes.Environment("staging", "staging");

    private static string Release(string version, string commit, int minutes) =>
        JsonSerializer.Serialize(new ServerRelease("staging", version, commit, version, At.AddMinutes(minutes), "me@box", null, $"d{minutes}"), ServerFiles.Json);

    /// <summary>v1.0.0, then v1.1.0 (live); the checkout also knows v1.2.0, never deployed.</summary>
    internal static RecordingCommandRunner Server() => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput: Release("v1.1.0", V110, 10) + "\n")
        .Answer("cat /var/www/shop/.devops-agent/releases.jsonl", standardOutput: Release("v1.0.0", V100, 0) + "\n" + Release("v1.1.0", V110, 10) + "\n")
        .Answer("'refs/tags/v1.2.0^{commit}'", standardOutput: V120 + "\n")
        .Answer($" log -z --max-count=501 --format=%H%x1f%an%x1f%aI%x1f%s {V100}..{V110}",
            standardOutput: $"{V110}\u001fShop Developer\u001f2024-02-01T10:00:00+00:00\u001fShop 1.1.0: items get a description\0\n")
        .Answer($" log -z --max-count=501 --format=%H%x1f%an%x1f%aI%x1f%s {V110}..{V120}",
            standardOutput: $"{V120}\u001fShop Developer\u001f2024-03-01T10:00:00+00:00\u001fShop 1.2.0: health check covers the audit trail\0\n")
        .Answer($"--name-status -z {V100} {V110} -- backend/alembic/versions docker-compose.prod.yml .env.example",
            standardOutput: "A\0backend/alembic/versions/0002_add_item_description.py\0M\0docker-compose.prod.yml\0M\0.env.example\0\n")
        .Answer($"cat-file blob {V100}:.env.example", standardOutput: $"POSTGRES_PASSWORD={Canary}\nLEGACY_MODE=off\n")
        .Answer($"cat-file blob {V110}:.env.example", standardOutput: $"POSTGRES_PASSWORD={Canary}\nSECRET_KEY={Canary}\n");

    private static async Task<ReleaseDiff> ReadAsync(RecordingCommandRunner runner, string? from = null, string? to = null, string? migrations = "backend/alembic/versions")
    {
        var served = await ReleaseDiffReader.ReleasesAsync(runner, Staging, CancellationToken.None);
        return await ReleaseDiffReader.ReadAsync(runner, Staging, migrations, served,
            from is null ? null : GitRef.Parse(from), to is null ? null : GitRef.Parse(to), CancellationToken.None);
    }

    [Fact]
    public async Task By_default_the_diff_is_from_the_release_before_the_live_one_to_the_live_one()
    {
        var diff = await ReadAsync(Server());

        Assert.Equal(new ReleasePoint("v1.0.0", V100, "v1.0.0"), diff.From);
        Assert.Equal(new ReleasePoint("v1.1.0", V110, "v1.1.0"), diff.To);
        Assert.Equal("Shop 1.1.0: items get a description", Assert.Single(diff.Commits).Subject);
        Assert.Empty(diff.CommitsOnlyInFrom);
        Assert.Equal(new FileChange("backend/alembic/versions/0002_add_item_description.py", FileChangeKind.Added), Assert.Single(diff.Migrations));
        Assert.Equal(new FileChange("docker-compose.prod.yml", FileChangeKind.Changed), Assert.Single(diff.ComposeFiles));
        Assert.Equal(["SECRET_KEY"], diff.EnvKeys.Added);
        Assert.Equal(["LEGACY_MODE"], diff.EnvKeys.Removed);
        Assert.Equal("v1.0.0 → v1.1.0: 1 commit, 1 migration added, 1 compose file changed, .env.example keys +1 -1.", diff.Summary);
        Assert.DoesNotContain(Canary, JsonSerializer.Serialize(diff), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_read_only_git_commands_run_on_the_server()
    {
        var runner = Server();
        await ReadAsync(runner);
        Assert.All(runner.Commands, c => Assert.Matches(@"^(cat /var/www/shop/\.devops-agent/\S+ \|\| true|git -C /var/www/shop (--literal-pathspecs )?(log|diff|cat-file|rev-parse) )", c.Text));
    }

    [Fact]
    public async Task A_named_to_that_is_not_live_is_compared_with_the_live_release()
    {
        var diff = await ReadAsync(Server(), to: "v1.2.0");
        Assert.Equal(new ReleasePoint("v1.1.0", V110, "v1.1.0"), diff.From);
        Assert.Equal(new ReleasePoint("v1.2.0", V120, null), diff.To);
        Assert.Equal("Shop 1.2.0: health check covers the audit trail", Assert.Single(diff.Commits).Subject);
        Assert.Empty(diff.Migrations);
        Assert.Same(EnvKeyChanges.None, diff.EnvKeys);
    }

    [Fact]
    public async Task Going_back_lists_what_the_older_release_leaves_out()
    {
        var diff = await ReadAsync(Server(), from: "v1.1.0", to: V100[..7]);
        Assert.Equal(V100, diff.To.Commit);
        Assert.Empty(diff.Commits);
        Assert.Equal(V110, Assert.Single(diff.CommitsOnlyInFrom).Sha);
    }

    [Fact]
    public async Task A_ref_the_checkout_does_not_know_is_refused_as_invalid_input()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ReadAsync(Server(), from: "v9.9.9"));
        Assert.Equal("'v9.9.9' is neither a release recorded on staging nor a branch, tag or commit its checkout has (it has what the last deploy fetched).", error.Message);
    }

    [Fact]
    public async Task A_server_with_one_release_needs_a_from()
    {
        var runner = new RecordingCommandRunner()
            .Answer("release.json", standardOutput: Release("v1.0.0", V100, 0))
            .Answer("releases.jsonl", standardOutput: Release("v1.0.0", V100, 0));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ReadAsync(runner));
        Assert.Equal("staging has no release before v1.0.0 recorded on the server: name one with --from.", error.Message);
    }

    [Fact]
    public async Task An_env_template_the_parser_refuses_is_named_by_file_and_line_without_its_value()
    {
        var runner = new RecordingCommandRunner()
            .Answer($"cat-file blob {V110}:.env.example", standardOutput: $"GOOD=1\nBAD KEY={Canary}\n")
            .AppendRulesFrom(Server());
        var diff = await ReadAsync(runner);
        Assert.Equal("v1.1.0:.env.example: line 2: key cannot contain a space", diff.EnvKeys.Problem);
        Assert.Empty(diff.EnvKeys.Added);
        Assert.DoesNotContain(Canary, JsonSerializer.Serialize(diff), StringComparison.Ordinal);
        Assert.EndsWith(".env.example unreadable.", diff.Summary);
    }

    [Fact]
    public async Task Without_a_migrations_section_no_versions_folder_is_compared()
    {
        var runner = Server();
        var diff = await ReadAsync(runner, migrations: null);
        Assert.Null(diff.MigrationsFolder);
        Assert.Empty(diff.Migrations);
        Assert.Contains(runner.Commands, c => c.Text.EndsWith($"-z {V100} {V110} -- docker-compose.prod.yml .env.example", StringComparison.Ordinal));
    }
}
