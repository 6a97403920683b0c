using System.Text.Json;
using System.Text.Json.Serialization;
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

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathIn(string appPath) => $"{appPath}/{Folder}/{FileName}";

    /// <summary>Writes the record atomically (temp file, then rename) so a reader never sees half of it.</summary>
    public ShellCommand Write(string appPath)
    {
        var file = PathIn(appPath);
        return ShellCommand.Of("mkdir", "-p", $"{appPath}/{Folder}")
            .And(ShellCommand.Raw($"printf '%s\\n' {ShellQuoting.Quote(JsonSerializer.Serialize(this, Json))} > {ShellQuoting.Quote(file + ".tmp")}"))
            .And(ShellCommand.Of("mv", "-f", file + ".tmp", file));
    }

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
            return JsonSerializer.Deserialize<ServerRelease>(output, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
