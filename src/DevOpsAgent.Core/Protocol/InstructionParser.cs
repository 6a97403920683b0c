using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The EXECUTE grammar, deterministic and small. <see cref="Phrasing"/> first turns politeness and synonyms into
/// its words; refs then go through <see cref="GitRef.Parse"/>, services through <see cref="ServiceName.Validate"/>,
/// environments must be configured (or an alias of one): the text can never become shell. Every refusal ends
/// with the nearest message that is understood.
/// </summary>
public static partial class InstructionParser
{
    public static readonly IReadOnlyList<string> Supported =
    [
        "deploy [feature | TASK-n | branch <name> | tag <name> | <ref>] to <environment>",
        "rollback <environment> [to <release>]",
        "restart <environment> [<service>]  (or: restart <service> on <environment>)",
        "run migrations on <environment>",
        "check migrations on <environment>",
        "status <environment>",
    ];

    public static Instruction Parse(AgentMessage message, IReadOnlyCollection<string> environments)
    {
        try
        {
            return Interpret(message, environments);
        }
        catch (DevOpsAgentException refusal) when (refusal is RefusedException or InvalidInputException)
        {
            throw Suggestion.Append(refusal, message.Mode, message.TaskId, message.Body, environments);
        }
    }

    /// <summary>The grammar without the suggestion: what <see cref="Suggestion"/> checks its candidates against.</summary>
    internal static Instruction Interpret(AgentMessage message, IReadOnlyCollection<string> environments)
    {
        var body = Phrasing.Instruction(message.Body, environments);
        string Env(Match m) => Environments.Resolve(m.Groups["env"].Value, environments);

        if (Deploy().Match(body) is { Success: true } deploy)
        {
            return DeployWhat(deploy.Groups["what"].Value.Trim(), message.TaskId, Env(deploy));
        }

        if (DeployEnvironment().Match(body) is { Success: true } redeploy && Environments.TryResolve(redeploy.Groups["env"].Value, environments) is { } again)
        {
            return new DeployInstruction(again, RefSource.Task, null);
        }

        if (Rollback().Match(body) is { Success: true } rollback)
        {
            var to = rollback.Groups["to"].Value;
            return new RollbackInstruction(Env(rollback), to.Length == 0 || to.Equals("previous", StringComparison.OrdinalIgnoreCase) ? null : GitRef.Parse(to));
        }

        if (RestartAll().Match(body) is { Success: true } restartAll)
        {
            return new RestartInstruction(Env(restartAll), null);
        }

        if (RestartOn().Match(body) is { Success: true } restartOn)
        {
            return new RestartInstruction(Env(restartOn), ServiceName.Validate(restartOn.Groups["service"].Value));
        }

        if (Restart().Match(body) is { Success: true } restart)
        {
            var service = restart.Groups["service"].Value;
            return new RestartInstruction(Env(restart), service.Length == 0 ? null : ServiceName.Validate(service));
        }

        if (Migrations().Match(body) is { Success: true } migrations)
        {
            var apply = !migrations.Groups["verb"].Value.Equals("check", StringComparison.OrdinalIgnoreCase);
            return new MigrationsInstruction(Env(migrations), apply);
        }

        if (Status().Match(body) is { Success: true } status)
        {
            return new StatusInstruction(Env(status));
        }

        throw new RefusedException($"Not understood: '{MessageParser.Printable(message.Body)}'. DevOps Agent can be asked to: {string.Join("; ", Supported)}.");
    }

    private static DeployInstruction DeployWhat(string what, string? task, string environment)
    {
        var words = what.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && words[0].ToLowerInvariant() is "the" or "this" or "our")
        {
            words = words[1..];
        }

        // "feature TASK-045", "the feature for TASK-045": the task's own release, checked against the header below.
        if (words is [var f, var named] && f.ToLowerInvariant() is "feature" or "task" && TaskId.IsTaskId(named)
            || words is [var f2, var of, var named2] && f2.ToLowerInvariant() is "feature" or "release" && of.ToLowerInvariant() is "for" or "of" && TaskId.IsTaskId(named2))
        {
            words = [words[^1]];
        }

        // "feature branch feature/login", "release tag v1.2.0": the adjective adds nothing to the kind.
        if (words is [var adjective, var refKind, _] && adjective.ToLowerInvariant() is "feature" or "release" or "git" && refKind.ToLowerInvariant() is "branch" or "tag")
        {
            words = words[1..];
        }

        switch (words)
        {
            case []:
            case [var one] when one.ToLowerInvariant() is "feature" or "task" or "it" or "release" or "task's":
            case [var a, var b] when a.ToLowerInvariant() is "feature" or "task" or "task's" && b.ToLowerInvariant() is "branch" or "release" or "ref":
                return new DeployInstruction(environment, RefSource.Task, null);
            case [var id] when TaskId.IsTaskId(id):
                return TaskId.Parse(id) == task
                    ? new DeployInstruction(environment, RefSource.Task, null)
                    : throw new RefusedException($"The message is for {task} but asks to deploy {TaskId.Parse(id)}: one task per EXECUTE.");
            case [var kind, var name] when kind.ToLowerInvariant() is "branch" or "tag" or "version" or "release" or "ref" or "commit":
                var source = kind.ToLowerInvariant() switch { "branch" => RefSource.Branch, "tag" or "version" or "release" => RefSource.Tag, _ => RefSource.Ref };
                return new DeployInstruction(environment, source, GitRef.Parse(name));
            default:
                // One word is a ref; several words can only be a ref with spaces, which GitRef refuses with the reason.
                return new DeployInstruction(environment, RefSource.Ref, GitRef.Parse(what));
        }
    }

    /// <summary>An environment as people write it: "staging", "the staging environment", "prod server", "staging's" (never "each environment").</summary>
    private const string Env = @"(?:the\s+)?(?<env>(?!(?:each|every|all|any)\s)[^\s?']+)(?:'s)?(?:\s+(?:environment|env|server|servers|box|stack|instance|host|machine))?";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^deploy(?:\s+(?<what>.+?))?\s+(?:to|on|in|onto|into)\s+" + Env + "$", Options)]
    private static partial Regex Deploy();

    [GeneratedRegex(@"^deploy\s+" + Env + "$", Options)]
    private static partial Regex DeployEnvironment();

    [GeneratedRegex(@"^rollback\s+(?:"
        + @"(?:(?:the\s+)?(?:last\s+|latest\s+)?(?:deploy|deployment|release)\s+(?:on|of|in|to)\s+|(?:on|in)\s+)?" + Env
        + @"(?:\s+(?:deploy|deployment|release))?(?:\s+to\s+(?:the\s+)?(?:(?:previous|last\s+good|last)(?:\s+(?:release|version|tag|deploy|deployment))?|(?:release|version|tag)\s+(?<to>\S+)|(?<to>\S+)))?"
        + @"|to\s+(?:the\s+)?(?:(?:previous|last\s+good|last)(?:\s+(?:release|version|tag|deploy|deployment))?|(?:release|version|tag)\s+(?<to>\S+)|(?<to>\S+))\s+(?:on|in|of)\s+" + Env
        + @"|(?:the\s+)?(?:previous|last\s+good|last)\s+(?:release|version|tag|deploy|deployment)\s+(?:on|in|of)\s+" + Env
        + ")$", Options)]
    private static partial Regex Rollback();

    [GeneratedRegex(@"^restart\s+(?:all\s+(?:the\s+)?services|all|everything|(?:the\s+)?services|the\s+(?:whole\s+)?stack)\s+(?:on|in)\s+" + Env + "$", Options)]
    private static partial Regex RestartAll();

    [GeneratedRegex(@"^restart\s+(?:the\s+)?(?:service\s+)?(?<service>\S+)(?:\s+(?:service|container))?\s+(?:on|in)\s+" + Env + "$", Options)]
    private static partial Regex RestartOn();

    [GeneratedRegex(@"^restart\s+" + Env + @"(?:\s+(?:service\s+)?(?<service>\S+))?$", Options)]
    private static partial Regex Restart();

    [GeneratedRegex(@"^(?<verb>run|check)\s+migrations\s+(?:(?:on|in|for|of|to|against)\s+)?" + Env + @"(?:\s+(?:database|db))?$", Options)]
    private static partial Regex Migrations();

    [GeneratedRegex(@"^(?:status\s+(?:(?:of|on|for)\s+)?" + Env + @"|" + Env + @"\s+status|is\s+" + Env + @"\s+(?:healthy|up|ok))$", Options)]
    private static partial Regex Status();
}
