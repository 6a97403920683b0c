using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Releases;

namespace DevOpsAgent.Core.Tests.Releases;

/// <summary>The exact git commands a release diff runs in the server's checkout, and what they print parsed.</summary>
public sealed class ReleaseDiffCommandsTests
{
    private const string V100 = "d4f6cfc0a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string V110 = "e3d42a8add1d3e88fcac0b2acee504fd0bd4a542";

    private readonly ReleaseDiffCommands _git = new("/var/www/shop");

    [Fact]
    public void Commits_are_listed_from_to_with_machine_separators_and_one_more_than_shown() =>
        Assert.Equal(
            $"git -C /var/www/shop --literal-pathspecs log -z --max-count=501 --format=%H%x1f%an%x1f%aI%x1f%s {V100}..{V110}",
            _git.Commits(V100, V110).Text);

    [Fact]
    public void Changes_are_limited_to_migrations_compose_files_and_the_env_template() =>
        Assert.Equal(
            $"git -C /var/www/shop --literal-pathspecs diff --no-renames --no-ext-diff --name-status -z {V100} {V110} -- "
            + "backend/alembic/versions docker-compose.prod.yml 'compose files/extra.yml' .env.example",
            _git.Changes(V100, V110, "backend/alembic/versions/", ["docker-compose.prod.yml", "compose files/extra.yml"]).Text);

    [Fact]
    public void Without_migrations_only_compose_files_and_the_env_template_are_compared() =>
        Assert.Equal(
            $"git -C /var/www/shop --literal-pathspecs diff --no-renames --no-ext-diff --name-status -z {V100} {V110} -- docker-compose.prod.yml .env.example",
            _git.Changes(V100, V110, null, ["docker-compose.prod.yml"]).Text);

    [Fact]
    public void The_env_template_is_read_as_a_blob_of_the_release() =>
        Assert.Equal($"git -C /var/www/shop --literal-pathspecs cat-file blob {V110}:.env.example", _git.ShowEnvExample(V110).Text);

    [Fact]
    public void A_ref_is_resolved_the_way_a_deploy_resolves_it() =>
        Assert.Equal(
            "git -C /var/www/shop rev-parse --verify --quiet 'refs/remotes/origin/v1.1.0^{commit}'"
            + " || git -C /var/www/shop rev-parse --verify --quiet 'refs/tags/v1.1.0^{commit}'"
            + " || git -C /var/www/shop rev-parse --verify --quiet 'v1.1.0^{commit}'",
            _git.Resolve(GitRef.Parse("v1.1.0")).Text);

    [Theory]
    [InlineData("v1.0.0")]
    [InlineData("--output=/tmp/x")]
    [InlineData("d4f6cfc")]
    public void Only_full_commit_ids_reach_the_log_and_diff_commands(string notACommit)
    {
        Assert.Throws<ArgumentException>(() => _git.Commits(notACommit, V110));
        Assert.Throws<ArgumentException>(() => _git.Changes(V100, notACommit, null, []));
        Assert.Throws<ArgumentException>(() => _git.ShowEnvExample(notACommit));
    }

    [Theory]
    [InlineData("v1.0.0;rm -rf /", "';' is not allowed in a ref")]
    [InlineData("$(reboot)", "'$' is not allowed in a ref")]
    [InlineData("v1`id`", "'`' is not allowed in a ref")]
    [InlineData("main|cat", "'|' is not allowed in a ref")]
    [InlineData("-p", "it starts with '-'")]
    [InlineData("v1..v2", "it contains '..', '@{', a trailing '.' or is '@'")]
    [InlineData("v1 v2", "it contains a space or control character (U+0020)")]
    public void Refs_with_shell_or_revision_syntax_are_refused_in_one_line_as_invalid_input(string name, string reason)
    {
        var error = Assert.Throws<InvalidInputException>(() => GitRef.Parse(name));
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.EndsWith($": {reason}.", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Real_git_log_output_is_parsed_into_commits_newest_first()
    {
        // `git log -z --format=…` of the reference stack's origin, v1.0.0..v1.3.0-bad-migration, as the runner returns it.
        var output = "9da864de26c9f8e5ffe02b4dd3cb9cb13a61f5ee\u001fShop Developer\u001f2024-03-15T10:00:00+00:00\u001fShop 1.3.0: items get a category\0"
            + "e3d42a8add1d3e88fcac0b2acee504fd0bd4a542\u001fShop Developer\u001f2024-02-01T10:00:00+00:00\u001fShop 1.1.0: items get a description\0\n";
        var commits = CommitInfo.ParseLog(output);
        Assert.Equal(2, commits.Count);
        Assert.Equal(new CommitInfo("9da864de26c9f8e5ffe02b4dd3cb9cb13a61f5ee", "Shop Developer", new DateTimeOffset(2024, 3, 15, 10, 0, 0, TimeSpan.Zero), "Shop 1.3.0: items get a category"), commits[0]);
        Assert.Equal("Shop 1.1.0: items get a description", commits[1].Subject);
        Assert.Empty(CommitInfo.ParseLog("\n"));
    }

    [Fact]
    public void A_subject_holding_the_field_separator_stays_one_subject() =>
        Assert.Equal("a\u001fb", CommitInfo.ParseLog($"{V110}\u001fMe\u001f2024-02-01T10:00:00+00:00\u001fa\u001fb\0")[0].Subject);

    [Fact]
    public void Real_name_status_output_is_parsed_with_paths_as_they_are()
    {
        var output = "A\0backend/alembic/versions/0002_add_item_description.py\0M\0docker-compose.prod.yml\0D\0backend/alembic/versions/0000 old, \"quoted\".py\0T\0.env.example\0\n";
        Assert.Equal(
            [
                new FileChange("backend/alembic/versions/0002_add_item_description.py", FileChangeKind.Added),
                new FileChange("docker-compose.prod.yml", FileChangeKind.Changed),
                new FileChange("backend/alembic/versions/0000 old, \"quoted\".py", FileChangeKind.Removed),
                new FileChange(".env.example", FileChangeKind.Changed),
            ],
            FileChange.ParseNameStatus(output));
        Assert.Empty(FileChange.ParseNameStatus("\n"));
    }

    [Fact]
    public void Env_template_keys_are_compared_and_no_value_is_kept()
    {
        const string canary = "canary-value-7d1f0b2e";
        var before = $"# database\nPOSTGRES_PASSWORD={canary}\nOLD_FLAG=1\nexport SECRET_KEY='{canary}'\n";
        var after = $"POSTGRES_PASSWORD={canary}\nSECRET_KEY=\"{canary}\"\nREDIS_URL=redis://:{canary}@redis:6379/0\nBARE_KEY\nMULTI=\"line one\n{canary}\"\n";
        var keys = EnvKeyChanges.Between(before, "v1.0.0:.env.example", after, "v1.1.0:.env.example");
        Assert.Equal(["REDIS_URL", "BARE_KEY", "MULTI"], keys.Added);
        Assert.Equal(["OLD_FLAG"], keys.Removed);
        Assert.Null(keys.Problem);
        Assert.DoesNotContain(canary, System.Text.Json.JsonSerializer.Serialize(keys), StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_only_one_release_has_adds_or_removes_all_its_keys()
    {
        Assert.Equal(["A", "B"], EnvKeyChanges.Between(null, "v1:.env.example", "A=1\nB=2\n", "v2:.env.example").Added);
        Assert.Equal(["A"], EnvKeyChanges.Between("A=1\n", "v1:.env.example", null, "v2:.env.example").Removed);
    }
}
