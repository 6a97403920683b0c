using System.Globalization;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Backups;

/// <summary>Dumps, lists and restores the database of a stack on its server.</summary>
public static class BackupWorker
{
    /// <summary>
    /// Dumps the database of <paramref name="dbService"/> to <c>&lt;app&gt;/backups/&lt;env&gt;-&lt;UTC time&gt;-&lt;label&gt;.dump</c>
    /// and returns the file (path, size). Throws <see cref="CommandFailedException"/> when pg_dump fails; no file is left then.
    /// </summary>
    public static Task<BackupFile> DumpAsync(
        ICommandRunner runner, ComposeCommands compose, string dbService, string appPath, string environment, string label, CancellationToken cancellationToken) =>
        DumpAsync(runner, compose, dbService, appPath, BackupFile.NameFor(environment, DateTimeOffset.UtcNow, label), cancellationToken);

    /// <summary>Dumps to a file name of the caller's choosing (see <see cref="BackupFile.NameFor"/>).</summary>
    public static async Task<BackupFile> DumpAsync(
        ICommandRunner runner, ComposeCommands compose, string dbService, string appPath, string fileName, CancellationToken cancellationToken)
    {
        var result = (await runner.RunAsync(BackupCommands.Dump(compose, dbService, appPath, fileName), cancellationToken)).EnsureSuccess(runner.Target);
        var size = long.TryParse(result.StandardOutput.Trim().Split('\n')[^1], CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
        return new BackupFile(fileName, $"{BackupFile.FolderOf(appPath)}/{fileName}", size, DateTimeOffset.UtcNow);
    }

    /// <summary>The backups on the server, newest first.</summary>
    public static async Task<IReadOnlyList<BackupFile>> ListAsync(ICommandRunner runner, string appPath, CancellationToken cancellationToken)
    {
        var result = (await runner.RunAsync(BackupCommands.List(appPath), cancellationToken)).EnsureSuccess(runner.Target);
        return BackupFile.ParseList(appPath, result.StandardOutput);
    }

    /// <summary>
    /// Restores <paramref name="fileName"/> (a bare name of the backups folder, validated before anything runs) into
    /// the database of <paramref name="dbService"/>.
    /// </summary>
    public static async Task RestoreAsync(
        ICommandRunner runner, ComposeCommands compose, string dbService, string appPath, string fileName, CancellationToken cancellationToken)
    {
        var command = BackupCommands.Restore(compose, dbService, appPath, fileName);
        var result = await runner.RunAsync(command, cancellationToken);
        if (result.ExitCode == BackupCommands.NoSuchBackupExitCode)
        {
            throw new InvalidInputException($"There is no backup {fileName} in {BackupFile.FolderOf(appPath)} on {runner.Target}; "
                + "see `devops-agent backups <env>`.");
        }

        result.EnsureSuccess(runner.Target);
    }
}
