using DevOpsAgent.Core.Compose;
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
}
