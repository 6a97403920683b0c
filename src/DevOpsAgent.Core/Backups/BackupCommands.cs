using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Backups;

/// <summary>
/// pg_dump and pg_restore inside the database service's container, as its own POSTGRES_USER and POSTGRES_DB, with
/// the files kept on the server. Pure: builds, never runs.
/// </summary>
public static class BackupCommands
{
    /// <summary>Exit code of <see cref="Restore"/> when the backup file does not exist.</summary>
    public const int NoSuchBackupExitCode = 66;

    private const string User = "\"${POSTGRES_USER:-postgres}\"";
    private const string Database = "\"${POSTGRES_DB:-${POSTGRES_USER:-postgres}}\"";

    /// <summary>
    /// Dumps the database (custom format) into <c>backups/&lt;name&gt;</c>, readable by the deploy user only, and prints
    /// its size. The dump is written under a <c>.partial</c> name and renamed only when pg_dump succeeded, so a
    /// failed dump never leaves a file that looks complete. pg_dump's output is redirected, not piped: its exit
    /// code is the command's, with no need for pipefail, which POSIX sh (dash) lacks.
    /// </summary>
    public static ShellCommand Dump(ComposeCommands compose, string dbService, string appPath, string fileName)
    {
        var folder = BackupFile.FolderOf(appPath);
        var file = Q($"{folder}/{BackupFile.ValidateName(fileName)}");
        var partial = Q($"{folder}/{fileName}.partial");
        var dump = compose.Exec(ServiceName.Validate(dbService), "sh", "-c", $"pg_dump -Fc -U {User} -d {Database}");
        return ShellCommand.Raw($"umask 077 && mkdir -p {Q(folder)} && chmod 700 {Q(folder)} && "
            + $"if {dump.Text} > {partial}; then mv -f {partial} {file} && stat -c %s {file}; "
            + $"else status=$?; rm -f {partial}; exit $status; fi");
    }

    /// <summary>Every backup as <c>mtime size name</c>, one per line; nothing when there is none.</summary>
    public static ShellCommand List(string appPath) =>
        ShellCommand.Raw($"cd {Q(BackupFile.FolderOf(appPath))} 2>/dev/null || exit 0; "
            + "for f in *.dump; do [ -f \"$f\" ] && stat -c '%Y %s %n' \"$f\"; done; true");

    /// <summary>
    /// Restores a backup of the backups folder into the database: objects of the dump are dropped and recreated
    /// (<c>--clean --if-exists</c>), owned by the restoring user (<c>--no-owner</c>), in one transaction so that a
    /// failure leaves the database as it was.
    /// </summary>
    public static ShellCommand Restore(ComposeCommands compose, string dbService, string appPath, string fileName)
    {
        var folder = BackupFile.FolderOf(appPath);
        var file = Q($"{folder}/{BackupFile.ValidateName(fileName)}");
        var restore = compose.Exec(ServiceName.Validate(dbService), "sh", "-c",
            $"pg_restore --clean --if-exists --no-owner --single-transaction -U {User} -d {Database}");
        return ShellCommand.Raw($"[ -f {file} ] || {{ echo {Q($"no backup {fileName} in {folder}")} >&2; exit {NoSuchBackupExitCode}; }}; "
            + $"{restore.Text} < {file}");
    }

    private static string Q(string word) => ShellQuoting.Quote(word);
}
