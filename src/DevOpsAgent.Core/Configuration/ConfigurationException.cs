using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Configuration;

/// <summary>Invalid configuration: every problem found, each naming its YAML path.</summary>
public sealed class ConfigurationException(string source, IReadOnlyList<string> problems)
    : DevOpsAgentException(Format(source, problems), ExitCodes.InvalidConfiguration)
{
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Format(string source, IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"{source}: {problems[0]}"
            : $"{source}: {problems[0]} (and {problems.Count - 1} more: {string.Join("; ", problems.Skip(1))})";
}
