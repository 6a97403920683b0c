using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The CONSULT grammar: a fixed set of questions, each in the forms people ask it ("What is the status of
/// staging?", "When was the last deploy to production?"), values validated as strictly as CLI arguments.
/// Every refusal ends with the nearest question that is understood.
/// </summary>
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
        try
        {
            return Interpret(message, environments);
        }
        catch (DevOpsAgentException refusal) when (refusal is RefusedException or InvalidInputException)
        {
            throw Suggestion.Append(refusal, MessageMode.Consult, null, message.Body, environments);
        }
    }

    /// <summary>The grammar without the suggestion: what <see cref="Suggestion"/> checks its candidates against.</summary>
    internal static Question Interpret(AgentMessage message, IReadOnlyCollection<string> environments)
    {
        var body = Phrasing.Question(message.Body, environments);
        string Env(Match m) => Environments.Resolve(m.Groups["env"].Value, environments);

        // Exactly one reading or none: a body two forms accept is refused, not answered by whichever comes first.
        var readings = Forms.Select(f => (f.Kind, Match: f.Pattern.Match(body))).Where(r => r.Match.Success).ToList();
        if (readings.Count > 1)
        {
            throw new RefusedException($"'{MessageParser.Printable(message.Body)}' can be read as more than one question ({string.Join(", ", readings.Select(r => r.Kind))}): ask one.");
        }

        return readings is [var (kind, m)]
            ? kind switch
            {
                "deployed_where" => new DeployedWhereQuestion(),
                "status" => new StatusQuestion(Env(m)),
                "required_variables" => new RequiredVariablesQuestion(m.Groups["env"].Success ? Env(m) : null),
                "last_deploy" => new LastDeployQuestion(Env(m)),
                "migrations_needed" => new MigrationsNeededQuestion(TaskId.Parse(m.Groups["task"].Value)),
                "migration_status" => new MigrationStatusQuestion(Env(m)),
                "preflight" => new PreflightQuestion(TaskId.Parse(m.Groups["task"].Value)),
                _ => new LogsQuestion(Env(m), m.Groups["service"].Success ? ServiceName.Validate(m.Groups["service"].Value) : null),
            }
            : throw new RefusedException($"Not a question DevOps Agent answers: '{MessageParser.Printable(message.Body)}'. Ask: {string.Join("; ", Supported)}.");
    }

    private static readonly (string Kind, Regex Pattern)[] Forms =
    [
        ("deployed_where", DeployedWhere()),
        ("status", Status()),
        ("required_variables", Required()),
        ("last_deploy", LastDeploy()),
        ("migrations_needed", MigrationsNeeded()),
        ("migration_status", MigrationStatus()),
        ("preflight", Preflight()),
        ("logs", Logs()),
    ];

    /// <summary>An environment as people write it: "staging", "the staging environment", "prod server", "staging's" (never "each environment").</summary>
    private const string Env = @"(?:the\s+)?(?<env>(?!(?:each|every|all|any)\s)[^\s?']+)(?:'s)?(?:\s+(?:environment|env|server|servers|box|stack|instance|host|machine))?";

    private const string On = @"\s+(?:on|in|of|for|at|from)\s+";

    private const string Task = @"(?<task>[A-Za-z][A-Za-z0-9]*-\S+)";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^(?:" + Env + @"\s+(?:status|health)"
        + @"|(?:(?:what\s+is|what's|whats)\s+)?(?:the\s+|a\s+)?(?:current\s+)?(?:status|health|state)(?:\s+report)?(?:" + On + @"|\s+)" + Env
        + @"|health\s*-?check\s+(?:(?:of|on|for)\s+)?" + Env
        + @"|is\s+" + Env + @"\s+(?:healthy|up|ok|okay|fine|running|working|alive|live)"
        + @"|(?:how\s+is|how's|hows)\s+" + Env + @"(?:\s+doing)?"
        + @"|(?:is\s+everything|are\s+(?:all\s+)?(?:the\s+)?services)\s+(?:ok|okay|fine|healthy|up|running)" + On + Env
        + @"|(?:which|what)\s+(?:version|release)\s+(?:runs|is\s+running|is\s+deployed|is\s+live|is\s+served|is)\s+(?:currently\s+)?(?:on|in|to|at)\s+" + Env
        + @"|(?:what\s+is|what's|whats)\s+(?:currently\s+)?(?:running|deployed|live)\s+(?:on|in|to|at)\s+" + Env
        + ")$", Options)]
    private static partial Regex Status();

    [GeneratedRegex(@"^(?:(?:which|what)\s+(?:are\s+)?)?(?:the\s+)?(?:required\s+|needed\s+)?(?:environment|env)\s+(?:variables|vars)(?:\s+(?:are\s+)?(?:required|needed|missing))?(?:" + On + Env + ")?$"
        + @"|^(?:which|what)\s+(?:environment\s+|env\s+)?(?:variables|vars|secrets)\s+(?:does|do)\s+(?:it|we|you|the\s+(?:app|project|application|stack)|" + Env + @")\s+(?:need|require)$"
        + @"|^is\s+" + Env + @"\s+missing\s+(?:any\s+)?(?:environment\s+|env\s+)?(?:variables|vars)$", Options)]
    private static partial Regex Required();

    [GeneratedRegex(@"^(?:(?:when\s+was|what\s+was|what's|whats)\s+)?(?:the\s+)?(?:last|latest|most\s+recent)\s+(?:deploy|deployment|release)\s+(?:to|on|of|in)\s+" + Env + "$"
        + @"|^(?:(?:when\s+was|what\s+was|what's|whats)\s+)?(?:the\s+)?(?:last|latest|most\s+recent)\s+" + Env + @"\s+(?:deploy|deployment|release)$"
        + @"|^when\s+was\s+" + Env + @"\s+last\s+(?:deployed|updated|released)$"
        + @"|^what\s+was\s+(?:last\s+)?deployed\s+(?:last\s+)?(?:to|on)\s+" + Env + "$"
        + @"|^when\s+did\s+(?:we|you)\s+last\s+deploy\s+(?:to|on)\s+" + Env + "$", Options)]
    private static partial Regex LastDeploy();

    [GeneratedRegex(@"^(?:(?:(?:what\s+is|what's|whats)\s+)?(?:the\s+)?migrations?\s+status(?:" + On + @"|\s+)" + Env + @"|" + Env + @"\s+migrations?\s+status"
        + @"|(?:(?:are|is)\s+there\s+(?:a\s+)?|any\s+)?(?:any\s+)?(?:pending|outstanding|unapplied)?\s*migrations?(?:\s+(?:pending|outstanding|unapplied))?" + On + Env
        + @"|(?:does|do)\s+" + Env + @"\s+have\s+(?:any\s+)?(?:pending|outstanding|unapplied)\s+migrations?"
        + @"|(?:what|which)\s+migrations\s+(?:are\s+)?(?:pending|outstanding|unapplied)" + On + Env
        + @"|is\s+(?:the\s+)?(?:database|db)" + On + Env + @"\s+up\s+to\s+date"
        + ")$", Options)]
    private static partial Regex MigrationStatus();

    [GeneratedRegex(@"^(?:(?:are|is)\s+(?:there\s+)?(?:any\s+)?|any\s+)?(?:(?:new|database|db)\s+)?migrations?\s+(?:(?:needed|required|pending|expected)\s+)?(?:for|in|with)\s+" + Task + "$"
        + @"|^(?:does|do|will)\s+" + Task + @"\s+(?:need|require|bring|have|include)\s+(?:any\s+|a\s+)?(?:(?:new|database|db)\s+)?migrations?$"
        + @"|^(?:do|does)\s+(?:we|you|it)\s+need\s+(?:any\s+)?migrations?\s+for\s+" + Task + "$", Options)]
    private static partial Regex MigrationsNeeded();

    [GeneratedRegex(@"^(?:(?:what\s+is|what's|whats)\s+)?(?:deployed|running)\s+where$"
        + @"|^(?:which|what)\s+versions?\s+(?:is\s+|are\s+)?(?:deployed|running|runs)\s+(?:where|everywhere|(?:on|in)\s+(?:each|every|all)\s+(?:the\s+)?(?:environments?|envs?))$"
        + @"|^(?:what\s+is|what's|whats)\s+(?:deployed|running)(?:\s+(?:on|in)\s+(?:each|every|all)\s+(?:the\s+)?(?:environments?|envs?))?$"
        + @"|^what\s+runs\s+where$|^where\s+is\s+what(?:\s+deployed)?$|^(?:an\s+)?overview\s+of\s+(?:the\s+)?(?:deployments|environments)$", Options)]
    private static partial Regex DeployedWhere();

    [GeneratedRegex(@"^(?:(?:run|do)\s+)?(?:the\s+)?pre-?flight(?:\s+(?:check|checks|checklist))?\s+(?:(?:for|of|on)\s+)?(?<task>\S+)$"
        + @"|^is\s+" + Task + @"\s+ready\s+(?:for|to\s+go\s+to)\s+(?:production|prod|release)$", Options)]
    private static partial Regex Preflight();

    [GeneratedRegex(@"^(?:(?:the\s+)?(?:recent\s+|latest\s+|last\s+)?logs(?:" + On + @"|\s+)" + Env + @"(?:\s+(?:for\s+)?(?<service>[^\s?]+))?"
        + @"|" + Env + @"\s+logs"
        + @"|(?:the\s+)?(?<service>[^\s?]+)\s+logs" + On + Env
        + @"|(?:the\s+)?(?:recent\s+)?logs\s+(?:of|for|from)\s+(?:the\s+)?(?<service>[^\s?]+)(?:\s+service)?\s+(?:on|in|from)\s+" + Env
        + @"|(?:the\s+|any\s+)?(?:recent\s+)?errors\s+(?:in\s+the\s+logs\s+)?(?:on|in)\s+" + Env
        + @"|(?:are\s+there\s+)?(?:any\s+)?errors\s+in\s+" + Env + @"\s+logs"
        + ")$", Options)]
    private static partial Regex Logs();
}
