using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>An environment named in a message must be one devops-agent.yml configures.</summary>
public static class Environments
{
    public static string Find(string name, IReadOnlyCollection<string> configured)
    {
        var lower = name.ToLowerInvariant();
        return configured.Contains(lower)
            ? lower
            : throw new InvalidInputException($"No environment '{MessageParser.Printable(name)}' in devops-agent.yml (configured: {string.Join(", ", configured)}).");
    }
}
