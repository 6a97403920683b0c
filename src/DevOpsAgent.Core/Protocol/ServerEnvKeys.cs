using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The variable NAMES a server's .env defines. The server prints names only (sed drops everything after the
/// '='), so no value ever leaves it.
/// </summary>
public static class ServerEnvKeys
{
    public const string Missing = "__devops_agent_no_env_file__";

    public static ShellCommand Read(string appPath)
    {
        var file = $"{appPath}/.env";
        return ShellCommand.Of("test", "-f", file)
            .And(ShellCommand.Of("sed", "-n", "-E", @"s/^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=.*/\2/p", file))
            .Or(ShellCommand.Of("echo", Missing));
    }

    /// <summary>The names, or null when the server has no .env.</summary>
    public static IReadOnlySet<string>? Parse(string output)
    {
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Contains(Missing) ? null : names.ToHashSet(StringComparer.Ordinal);
    }
}
