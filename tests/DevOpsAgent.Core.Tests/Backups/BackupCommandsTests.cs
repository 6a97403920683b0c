using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Tests.Backups;

public sealed class BackupCommandsTests
{
    private static readonly ComposeCommands Compose = new(ComposeFlavor.V1, "/var/www/shop", "shop-production", ["docker-compose.prod.yml"]);
    private const string Exec = "cd /var/www/shop && docker-compose -p shop-production -f docker-compose.prod.yml exec -T db sh -c ";
    private const string B = "/var/www/shop/backups";

    [Fact]
    public void A_dump_is_taken_as_the_containers_own_user_into_a_private_partial_file_renamed_only_on_success() =>
        Assert.Equal(
            $"umask 077 && mkdir -p {B} && chmod 700 {B} && if " + Exec + "'pg_dump -Fc -U \"${POSTGRES_USER:-postgres}\" -d \"${POSTGRES_DB:-${POSTGRES_USER:-postgres}}\"'"
            + $" > {B}/production-20250131-100000-0002_orders.dump.partial; then mv -f {B}/production-20250131-100000-0002_orders.dump.partial "
            + $"{B}/production-20250131-100000-0002_orders.dump && stat -c %s {B}/production-20250131-100000-0002_orders.dump; "
            + $"else status=$?; rm -f {B}/production-20250131-100000-0002_orders.dump.partial; exit $status; fi",
            BackupCommands.Dump(Compose, "db", "/var/www/shop", "production-20250131-100000-0002_orders.dump").Text);

    [Fact]
    public void Backups_are_listed_with_their_time_and_size() =>
        Assert.Equal($"cd {B} 2>/dev/null || exit 0; for f in *.dump; do [ -f \"$f\" ] && stat -c '%Y %s %n' \"$f\"; done; true",
            BackupCommands.List("/var/www/shop").Text);

    [Fact]
    public void A_restore_drops_and_recreates_the_dumps_objects_in_one_transaction_from_the_backups_folder() =>
        Assert.Equal(
            $"[ -f {B}/production-20250131-100000-v1.1.0.dump ] || {{ echo 'no backup production-20250131-100000-v1.1.0.dump in {B}' >&2; exit 66; }}; "
            + Exec + "'pg_restore --clean --if-exists --no-owner --single-transaction -U \"${POSTGRES_USER:-postgres}\" -d \"${POSTGRES_DB:-${POSTGRES_USER:-postgres}}\"'"
            + $" < {B}/production-20250131-100000-v1.1.0.dump",
            BackupCommands.Restore(Compose, "db", "/var/www/shop", "production-20250131-100000-v1.1.0.dump").Text);

    [Fact]
    public void A_backup_is_named_after_its_environment_utc_time_and_a_safe_label()
    {
        var time = new DateTimeOffset(2025, 1, 31, 11, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("production-20250131-100000-0002_orders.dump", BackupFile.NameFor("production", time, "0002_orders"));
        Assert.Equal("production-20250131-100000-v1.2.0-rc-1.dump", BackupFile.NameFor("production", time, "v1.2.0 rc/1"));
        Assert.Equal("production-20250131-100000-backup.dump", BackupFile.NameFor("production", time, "$(;)"));
    }

    [Theory]
    [InlineData("../x.dump")]
    [InlineData("../x")]
    [InlineData("a;b.dump")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/x.dump")]
    [InlineData("x.dump; rm -rf /")]
    [InlineData("$(reboot).dump")]
    [InlineData(".hidden.dump")]
    [InlineData("x..dump")]
    [InlineData("x.sql")]
    [InlineData("")]
    public async Task A_restore_of_a_name_outside_the_backups_folder_is_refused_before_any_command(string name)
    {
        var server = new RecordingCommandRunner();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => BackupWorker.RestoreAsync(server, Compose, "db", "/var/www/shop", name, CancellationToken.None));

        Assert.StartsWith($"Invalid backup file name '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Commands);
    }

    [Fact]
    public void The_list_is_newest_first_and_ignores_anything_that_is_not_a_backup()
    {
        var files = BackupFile.ParseList("/var/www/shop",
            "1738317600 2048 production-20250131-100000-a.dump\n1738321200 4096 production-20250131-110000-b.dump\nbad line\n1738321200 1 we ird.dump\n");

        Assert.Equal(
            [
                new BackupFile("production-20250131-110000-b.dump", $"{B}/production-20250131-110000-b.dump", 4096, DateTimeOffset.FromUnixTimeSeconds(1738321200)),
                new BackupFile("production-20250131-100000-a.dump", $"{B}/production-20250131-100000-a.dump", 2048, DateTimeOffset.FromUnixTimeSeconds(1738317600)),
            ],
            files);
    }

    [Fact]
    public async Task A_dump_returns_the_path_and_size_and_a_failed_one_throws_with_pg_dumps_error()
    {
        var ok = new RecordingCommandRunner().Answer("pg_dump", standardOutput: "123456\n");
        var failing = new RecordingCommandRunner("deploy@prod:22").Answer("pg_dump", exitCode: 1, standardError: "pg_dump: error: connection to server failed");

        var backup = await BackupWorker.DumpAsync(ok, Compose, "db", "/var/www/shop", "production", "0002_orders", CancellationToken.None);
        var error = await Assert.ThrowsAsync<CommandFailedException>(
            () => BackupWorker.DumpAsync(failing, Compose, "db", "/var/www/shop", "production", "0002", CancellationToken.None));

        Assert.Matches(@"^/var/www/shop/backups/production-\d{8}-\d{6}-0002_orders\.dump$", backup.Path);
        Assert.Equal(123456, backup.Size);
        Assert.EndsWith("failed on deploy@prod:22 with exit code 1: pg_dump: error: connection to server failed", error.Message, StringComparison.Ordinal);
    }
}
