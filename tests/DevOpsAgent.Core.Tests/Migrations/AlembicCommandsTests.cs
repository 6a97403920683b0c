using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Tests.Migrations;

public sealed class AlembicCommandsTests
{
    private static readonly AlembicCommands Alembic = new(
        new ComposeCommands(ComposeFlavor.V2, "/var/www/shop", "shop-staging", ["compose.yml"]), new MigrationsConfig());

    [Fact]
    public void The_pending_revisions_sql_is_rendered_offline_in_a_one_off_container_of_the_migrations_service() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-staging -f compose.yml run --rm -T --no-deps backend alembic upgrade 0001:0003 --sql",
            Alembic.UpgradeSql("0001", "0003").Text);

    [Fact]
    public void From_an_empty_database_the_sql_starts_at_base() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-staging -f compose.yml run --rm -T --no-deps backend alembic upgrade 0002 --sql",
            Alembic.UpgradeSql(null, "0002").Text);

    [Fact]
    public void The_offline_sql_runs_exactly_like_the_real_upgrade_but_for_the_range_and_the_flag() =>
        Assert.Equal(Alembic.Upgrade("0003").Text.Replace("upgrade 0003", "upgrade 0001:0003 --sql", StringComparison.Ordinal), Alembic.UpgradeSql("0001", "0003").Text);

    private const string Separator = AlembicCommands.InspectSeparator;

    [Fact]
    public void Current_heads_and_history_run_in_one_one_off_container_apart_by_a_separator_line() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-staging -f compose.yml run --rm -T --no-deps backend sh -c "
            + "'alembic current && echo \"==> devops-agent: next alembic command <==\" && alembic heads && echo \"==> devops-agent: next alembic command <==\" && alembic history'",
            Alembic.Inspect().Text);

    [Fact]
    public void In_a_running_container_the_inspection_is_one_exec() =>
        Assert.Equal(
            "cd /var/www/shop && docker compose -p shop-staging -f compose.yml exec -T backend sh -c "
            + "'alembic current && echo \"==> devops-agent: next alembic command <==\" && alembic heads && echo \"==> devops-agent: next alembic command <==\" && alembic history'",
            (Alembic with { InRunningContainer = true }).Inspect().Text);

    [Theory]
    [InlineData("0001\n==> devops-agent: next alembic command <==\n0002 (head)\n==> devops-agent: next alembic command <==\n0001 -> 0002 (head), x\n", "0001\n", "0002 (head)\n", "0001 -> 0002 (head), x\n")]
    [InlineData("==> devops-agent: next alembic command <==\r\n0001 (head)\r\n==> devops-agent: next alembic command <==\r\n", "", "0001 (head)\n", "")]
    public void The_inspections_output_splits_into_the_three_commands_outputs(string output, string current, string heads, string history) =>
        Assert.Equal((current, heads, history), AlembicOutput.Inspection(output));

    [Theory]
    [InlineData("0001\n")]
    [InlineData("0001\n==> devops-agent: next alembic command <==\n0002 (head)\n")]
    public void Output_without_both_separators_is_not_an_inspection(string output) => Assert.Null(AlembicOutput.Inspection(output));

    [Fact]
    public async Task The_plan_takes_one_container_for_alembic_and_starts_nothing_when_the_database_answers()
    {
        var runner = new RecordingCommandRunner()
            .Answer(Separator, standardOutput: $"0001\n{Separator}\n0002 (head)\n{Separator}\n0001 -> 0002 (head), add description\n<base> -> 0001, create items\n");

        var plan = await new MigrationCoordinator(runner, Alembic, TimeProvider.System).PlanAsync(CancellationToken.None);

        Assert.Equal(("0001", "0002", "0002"), (plan.Current, plan.Head, string.Join(",", plan.Pending.Select(p => p.Id))));
        Assert.Single(runner.Commands, c => c.Text.Contains("run --rm", StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Commands, c => c.Text.Contains(" up -d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_that_does_not_answer_is_started_before_alembic_runs()
    {
        var ready = false;
        var runner = new RecordingCommandRunner()
            .Answer(t => t.Contains("pg_isready", StringComparison.Ordinal) && !ready, exitCode: 1)
            .Answer(t => t.Contains("up -d --no-deps db", StringComparison.Ordinal) && (ready = true))
            .Answer(Separator, standardOutput: $"{Separator}\n0001 (head)\n{Separator}\n<base> -> 0001 (head), create items\n");

        var plan = await new MigrationCoordinator(runner, Alembic, TimeProvider.System).PlanAsync(CancellationToken.None);

        Assert.Equal((null, "0001"), (plan.Current, plan.Head));
        Assert.Contains(runner.Commands, c => c.Text.Contains("up -d --no-deps db", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_without_a_shell_is_inspected_with_three_runs()
    {
        var runner = new RecordingCommandRunner()
            .Answer(Separator, exitCode: 127, standardError: "exec: \"sh\": executable file not found in $PATH\n")
            .Answer("alembic current", standardOutput: "0001\n")
            .Answer("alembic heads", standardOutput: "0001 (head)\n")
            .Answer("alembic history", standardOutput: "<base> -> 0001 (head), create items\n");

        var plan = await new MigrationCoordinator(runner, Alembic, TimeProvider.System).PlanAsync(CancellationToken.None);

        Assert.Equal(("0001", "0001", 0), (plan.Current, plan.Head, plan.Pending.Count));
        Assert.Equal(4, runner.Commands.Count(c => c.Text.Contains("run --rm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_alembic_error_in_the_inspection_is_that_error_not_a_retry()
    {
        var runner = new RecordingCommandRunner()
            .Answer(Separator, exitCode: 255, standardError: "ERROR [alembic.util.messaging] Can't locate revision identified by '0009'\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => new MigrationCoordinator(runner, Alembic, TimeProvider.System).PlanAsync(CancellationToken.None));

        Assert.Contains("Can't locate revision", error.Result.StandardError, StringComparison.Ordinal);
        Assert.Single(runner.Commands, c => c.Text.Contains("run --rm", StringComparison.Ordinal));
    }

    [Fact]
    public void A_migration_and_the_revision_it_reached_run_in_one_container_its_target_quoted_inside_the_script() =>
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-staging -f compose.yml run --rm -T --no-deps backend sh -c "
            + "'alembic downgrade '\\''0001;x'\\'' && echo \"==> devops-agent: next alembic command <==\" && alembic current'",
            Alembic.MigrateThenCurrent("downgrade", "0001;x").Text);

    [Fact]
    public async Task A_downgrade_is_proved_from_the_same_containers_output_and_only_the_migrations_lines_stream()
    {
        var runner = new RecordingCommandRunner()
            .Answer("alembic downgrade", standardOutput: $"Running downgrade 0002 -> 0001\n{Separator}\n0001\n");
        var streamed = new List<string>();

        await new MigrationCoordinator(runner, Alembic, TimeProvider.System).DowngradeAsync("0001", CancellationToken.None, streamed.Add);

        Assert.Single(runner.Commands, c => c.Text.Contains("run --rm", StringComparison.Ordinal));
        Assert.Equal(["Running downgrade 0002 -> 0001"], streamed);
    }

    [Fact]
    public async Task A_migration_that_ends_elsewhere_than_asked_is_an_error()
    {
        var runner = new RecordingCommandRunner().Answer("alembic upgrade", standardOutput: $"{Separator}\n0001\n");

        var error = await Assert.ThrowsAsync<DevOpsAgent.Core.Errors.DevOpsAgentException>(
            () => new MigrationCoordinator(runner, Alembic, TimeProvider.System).UpgradeToAsync("0002", CancellationToken.None));

        Assert.Equal("alembic finished but the database is at 0001, not 0002", error.Message);
    }

    [Fact]
    public async Task Without_a_shell_in_the_image_the_migration_and_its_proof_run_apart()
    {
        var runner = new RecordingCommandRunner()
            .Answer(Separator, exitCode: 127, standardError: "OCI runtime exec failed: exec: \"sh\": executable file not found in $PATH\n")
            .Answer("alembic current", standardOutput: "0002 (head)\n");

        await new MigrationCoordinator(runner, Alembic, TimeProvider.System).UpgradeToAsync("0002", CancellationToken.None);

        Assert.Equal(
            ["sh -c", "alembic upgrade 0002", "alembic current"],
            runner.Commands.Where(c => c.Text.Contains("run --rm", StringComparison.Ordinal))
                .Select(c => c.Text.Contains("sh -c", StringComparison.Ordinal) ? "sh -c" : c.Text[(c.Text.IndexOf("alembic", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task A_migration_that_fails_with_127_for_another_reason_is_not_run_again()
    {
        var runner = new RecordingCommandRunner().Answer("alembic upgrade", exitCode: 127, standardError: "sh: 1: alembic: not found\n");

        await Assert.ThrowsAsync<CommandFailedException>(() => new MigrationCoordinator(runner, Alembic, TimeProvider.System).UpgradeToAsync("0002", CancellationToken.None));

        Assert.Single(runner.Commands, c => c.Text.Contains("run --rm", StringComparison.Ordinal));
    }
}
