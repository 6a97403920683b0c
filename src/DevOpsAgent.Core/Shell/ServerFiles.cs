using System.Text.Json;
using System.Text.Json.Serialization;

namespace DevOpsAgent.Core.Shell;

/// <summary>The small JSON records the agent keeps on servers (release, journal, lock info): one format, written one way.</summary>
public static class ServerFiles
{
    /// <summary>snake_case names, nulls left out: what every record on a server is written with.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes one line to <paramref name="file"/> through a temporary file and a rename, so a reader sees the old content or the new, never half.</summary>
    public static ShellCommand WriteAtomically(string file, string line)
    {
        var folder = file[..file.LastIndexOf('/')];
        return ShellCommand.Of("mkdir", "-p", folder)
            .And(ShellCommand.Raw($"printf '%s\\n' {ShellQuoting.Quote(line)} > {ShellQuoting.Quote(file + ".tmp")}"))
            .And(ShellCommand.Of("mv", "-f", file + ".tmp", file));
    }
}
