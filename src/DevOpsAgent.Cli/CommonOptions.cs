using System.CommandLine;

namespace DevOpsAgent.Cli;

/// <summary>Options several verbs share, declared once.</summary>
public static class CommonOptions
{
    public static readonly Option<string> Config = new("--config", "-c")
    {
        Description = "Path to devops-agent.yml.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DEVOPS_AGENT_CONFIG") ?? "devops-agent.yml",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON instead of text.",
        Recursive = true,
    };

    public static readonly Option<bool> AcceptNewHostKey = new("--accept-new-host-key")
    {
        Description = "Trust and remember a server's host key the first time it is seen (a changed key is always refused).",
        Recursive = true,
    };

    public static readonly Option<string?> History = new("--history")
    {
        Description = "The history: a SQLite file, or postgresql://user:password@host:port/db (default: $DEVOPS_AGENT_HISTORY_URL, $DEVOPS_AGENT_HISTORY, history: in devops-agent.yml, or ~/.local/share/devops-agent/history.db).",
        Recursive = true,
    };

    /// <summary>Refuses a value outside [min, max] as a parse error (one line, exit 2) before the command runs.</summary>
    public static Option<T> InRange<T>(Option<T> option, T min, T max)
        where T : IComparable<T>
    {
        option.Validators.Add(result =>
        {
            // A value that is not a T at all is already a parse error; reading it here would throw.
            if (result.Errors.Any() || result.Tokens.Count == 0)
            {
                return;
            }

            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                result.AddError($"{option.Name} must be from {min} to {max}");
                return;
            }

            if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
            {
                result.AddError($"{option.Name} must be from {min} to {max}");
            }
        });
        return option;
    }

    public static Argument<string> EnvironmentArgument() => new("environment") { Description = "The environment (staging, production, …)." };
}
