using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;

namespace DevOpsAgent.Core.Protocol;

/// <summary>The CONSULT grammar: a fixed set of questions, values validated as strictly as CLI arguments.</summary>
public static partial class QuestionParser
{
    public static readonly IReadOnlyList<string> Supported =
    [
        "<environment> status",
        "required environment variables [on <environment>]",
        "last <environment> deploy",
        "migration status <environment>",
        "migrations needed for TASK-n",
        "what is deployed where",
        "preflight TASK-n",
        "logs <environment> [service]",
    ];

    public static Question Parse(AgentMessage message, IReadOnlyCollection<string> environments)
    {
        var body = message.Body;
        string Env(Match m) => Environments.Find(m.Groups["env"].Value, environments);

        return body switch
        {
            _ when Status().Match(body) is { Success: true } m => new StatusQuestion(Env(m)),
            _ when Required().Match(body) is { Success: true } m => new RequiredVariablesQuestion(m.Groups["env"].Success ? Env(m) : null),
            _ when LastDeploy().Match(body) is { Success: true } m => new LastDeployQuestion(Env(m)),
            _ when MigrationStatus().Match(body) is { Success: true } m => new MigrationStatusQuestion(Env(m)),
            _ when MigrationsNeeded().Match(body) is { Success: true } m => new MigrationsNeededQuestion(TaskId.Parse(m.Groups["task"].Value)),
            _ when DeployedWhere().IsMatch(body) => new DeployedWhereQuestion(),
            _ when Preflight().Match(body) is { Success: true } m => new PreflightQuestion(TaskId.Parse(m.Groups["task"].Value)),
            _ when Logs().Match(body) is { Success: true } m =>
                new LogsQuestion(Env(m), m.Groups["service"].Success ? ServiceName.Validate(m.Groups["service"].Value) : null),
            _ => throw new RefusedException($"Not a question DevOps Agent answers: '{MessageParser.Printable(body)}'. Ask: {string.Join("; ", Supported)}."),
        };
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^(?:(?<env>[^\s?]+)\s+status|status\s+(?:of\s+)?(?<env>\S+)|is\s+(?<env>\S+)\s+healthy)$", Options)]
    private static partial Regex Status();

    [GeneratedRegex(@"^(?:which\s+|what\s+)?(?:required\s+)?(?:environment|env)\s+(?:variables|vars)(?:\s+(?:are\s+)?(?:required|needed))?(?:\s+(?:on|for|in)\s+(?<env>\S+))?$", Options)]
    private static partial Regex Required();

    [GeneratedRegex(@"^(?:last\s+(?<env>\S+)\s+(?:deploy|deployment)|last\s+(?:deploy|deployment)\s+(?:to|on|of)\s+(?<env>\S+))$", Options)]
    private static partial Regex LastDeploy();

    [GeneratedRegex(@"^(?:migrations?\s+status\s+(?:(?:on|of|for)\s+)?(?<env>\S+)|(?<env>\S+)\s+migrations?\s+status)$", Options)]
    private static partial Regex MigrationStatus();

    [GeneratedRegex(@"^(?:are\s+)?migrations\s+(?:needed|required|pending)\s+for\s+(?<task>\S+)$", Options)]
    private static partial Regex MigrationsNeeded();

    [GeneratedRegex(@"^(?:what\s+is|what's|whats)\s+deployed\s+where$|^deployed\s+where$|^what\s+is\s+deployed$", Options)]
    private static partial Regex DeployedWhere();

    [GeneratedRegex(@"^pre-?flight\s+(?:(?:for|of)\s+)?(?<task>\S+)$", Options)]
    private static partial Regex Preflight();

    [GeneratedRegex(@"^(?:logs\s+(?<env>\S+)(?:\s+(?<service>\S+))?|(?<env>\S+)\s+logs)$", Options)]
    private static partial Regex Logs();
}
