using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>An environment named in a message must be one devops-agent.yml configures.</summary>
public static class Environments
{
    /// <summary>
    /// The names people use for the usual environments. An alias stands for the one configured member of its
    /// group, never for an environment that is not configured: with no <c>production</c>, <c>prod</c> is unknown.
    /// </summary>
    private static readonly string[][] Aliases =
    [
        ["production", "prod", "prd", "live"],
        ["staging", "stage", "stg"],
        ["development", "dev"],
    ];

    /// <summary>The exact configured name (case ignored); the MCP tools and the CLI take no aliases.</summary>
    public static string Find(string name, IReadOnlyCollection<string> configured)
    {
        var lower = name.ToLowerInvariant();
        return configured.Contains(lower) ? lower : throw Unknown(name, configured);
    }

    /// <summary>A name from a message: a configured name, or an alias of exactly one configured environment.</summary>
    public static string Resolve(string name, IReadOnlyCollection<string> configured) =>
        TryResolve(name, configured) ?? throw Unknown(name, configured);

    public static string? TryResolve(string name, IReadOnlyCollection<string> configured)
    {
        var lower = name.ToLowerInvariant();
        if (configured.Contains(lower))
        {
            return lower;
        }

        var group = Aliases.FirstOrDefault(g => g.Contains(lower));
        var targets = group?.Where(configured.Contains).ToList();
        return targets is [var only] ? only : null;
    }

    private static InvalidInputException Unknown(string name, IReadOnlyCollection<string> configured) =>
        new($"No environment '{MessageParser.Printable(name)}' in devops-agent.yml (configured: {string.Join(", ", configured)}).");
}
