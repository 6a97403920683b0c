using System.Globalization;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Backups;

/// <summary>A database dump in the app folder's <c>backups/</c> on the server.</summary>
public sealed partial record BackupFile(string Name, string Path, long Size, DateTimeOffset CreatedAt)
{
    public const string Extension = ".dump";

    public static string FolderOf(string appPath) => $"{appPath}/backups";

    /// <summary><c>&lt;env&gt;-&lt;yyyyMMdd-HHmmss&gt;-&lt;label&gt;.dump</c>; the label (a revision, a release) is reduced to safe characters.</summary>
    public static string NameFor(string environment, DateTimeOffset time, string label)
    {
        var safe = UnsafeLabel().Replace(label, "-").Trim('-', '.');
        safe = safe.Length == 0 ? "backup" : safe[..Math.Min(safe.Length, 64)];
        return ValidateName($"{environment}-{time.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{safe}{Extension}");
    }

    /// <summary>
    /// Accepts a bare file name of the backups folder only: no path, no shell metacharacter, no <c>..</c>, ending
    /// in .dump. A restore names its file from input, and it must never reach outside that folder.
    /// </summary>
    public static string ValidateName(string name) =>
        SafeName().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal)
            ? name
            : throw new InvalidInputException(
                $"Invalid backup file name '{name}': give a name listed by `devops-agent backups <env>` (letters, digits, '.', '_', '-', ending in .dump; no paths).");

    /// <summary>Parses <see cref="BackupCommands.List"/> output (<c>mtime size name</c> lines), newest first.</summary>
    public static IReadOnlyList<BackupFile> ParseList(string appPath, string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 3))
            .Where(fields => fields.Length == 3 && SafeName().IsMatch(fields[2])
                && long.TryParse(fields[0], CultureInfo.InvariantCulture, out _) && long.TryParse(fields[1], CultureInfo.InvariantCulture, out _))
            .Select(fields => new BackupFile(fields[2], $"{FolderOf(appPath)}/{fields[2]}", long.Parse(fields[1], CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields[0], CultureInfo.InvariantCulture))))
            .OrderByDescending(file => file.CreatedAt).ThenByDescending(file => file.Name, StringComparer.Ordinal)];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.dump\z")]
    private static partial Regex SafeName();

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeLabel();
}
