using System.Text.Json;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// The small record each server keeps of the release it serves (<c>.devops-agent/release.json</c> in the app
/// folder), so that <c>status</c> works from any machine, whatever its local history holds.
/// </summary>
public sealed record ServerRelease(
    string Environment, string Ref, string Commit, string Version, DateTimeOffset DeployedAt, string DeployedBy, string? TaskId, string DeployId)
{
    public const string Folder = ".devops-agent";
    public const string FileName = "release.json";
    public const string LogName = "releases.jsonl";

    /// <summary>The alembic revision the database was at when this release served; null without migrations.</summary>
    public string? Revision { get; init; }

    /// <summary>The slot (blue or green) this release serves from in a zero-downtime environment; null for a single compose project.</summary>
    public string? Slot { get; init; }

    public static string PathIn(string appPath) => $"{appPath}/{Folder}/{FileName}";

    /// <summary>
    /// Makes this the serving release: the record written atomically (temp file, then rename) so a reader never
    /// sees half of it, and a line appended to the server's release log (the rollback candidates).
    /// </summary>
    public ShellCommand Write(string appPath)
    {
        var json = JsonSerializer.Serialize(this, ServerFiles.Json);
        return ServerFiles.WriteAtomically(PathIn(appPath), json)
            .And(ShellCommand.Raw($"printf '%s\\n' {ShellQuoting.Quote(json)} >> {ShellQuoting.Quote($"{appPath}/{Folder}/{LogName}")}"));
    }

    /// <summary>Prints the release log, oldest first (nothing when there is none).</summary>
    public static ShellCommand ReadLog(string appPath) =>
        ShellCommand.Of("cat", $"{appPath}/{Folder}/{LogName}").Or(ShellCommand.Raw("true"));

    public static IReadOnlyList<ServerRelease> ParseLog(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).OfType<ServerRelease>()];

    /// <summary>Prints the record, or nothing when the server was never deployed by the agent.</summary>
    public static ShellCommand Read(string appPath) =>
        ShellCommand.Of("cat", PathIn(appPath)).Or(ShellCommand.Raw("true"));

    public static ServerRelease? Parse(string output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ServerRelease>(output, ServerFiles.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
