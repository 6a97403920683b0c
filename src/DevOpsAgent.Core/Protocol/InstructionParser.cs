using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The EXECUTE grammar, deterministic and small. Refs go through <see cref="GitRef.Parse"/>, services through
/// <see cref="ServiceName.Validate"/>, environments must be configured: the text can never become shell.
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
        var body = message.Body;
        if (Deploy().Match(body) is { Success: true } deploy)
        {
            var environment = Protocol.Environments.Find(deploy.Groups["env"].Value, environments);
            return DeployWhat(deploy.Groups["what"].Value.Trim(), message.TaskId, environment);
        }

        if (Rollback().Match(body) is { Success: true } rollback)
        {
            var to = rollback.Groups["to"].Value;
            return new RollbackInstruction(Protocol.Environments.Find(rollback.Groups["env"].Value, environments),
                to.Length == 0 || to.Equals("previous", StringComparison.OrdinalIgnoreCase) ? null : GitRef.Parse(to));
        }

        if (RestartOn().Match(body) is { Success: true } restartOn)
        {
            return new RestartInstruction(Protocol.Environments.Find(restartOn.Groups["env"].Value, environments), ServiceName.Validate(restartOn.Groups["service"].Value));
        }

        if (Restart().Match(body) is { Success: true } restart)
        {
            var service = restart.Groups["service"].Value;
            return new RestartInstruction(Protocol.Environments.Find(restart.Groups["env"].Value, environments), service.Length == 0 ? null : ServiceName.Validate(service));
        }

        if (Migrations().Match(body) is { Success: true } migrations)
        {
            var apply = !migrations.Groups["verb"].Value.Equals("check", StringComparison.OrdinalIgnoreCase);
            return new MigrationsInstruction(Protocol.Environments.Find(migrations.Groups["env"].Value, environments), apply);
        }

        if (Status().Match(body) is { Success: true } status)
        {
            var env = status.Groups["env"].Success && status.Groups["env"].Value.Length > 0 ? status.Groups["env"].Value : status.Groups["env2"].Value;
            return new StatusInstruction(Protocol.Environments.Find(env, environments));
        }

        throw new RefusedException($"Not understood: '{MessageParser.Printable(body)}'. DevOps Agent can be asked to: {string.Join("; ", Supported)}.");
    }

    private static DeployInstruction DeployWhat(string what, string? task, string environment)
    {
        var words = what.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && words[0].Equals("the", StringComparison.OrdinalIgnoreCase))
        {
            words = words[1..];
        }

        if (words is [var f, var named] && f.ToLowerInvariant() is "feature" or "task" && TaskId.IsTaskId(named))
        {
            words = [named];
        }

        switch (words)
        {
            case []:
            case [var one] when one.ToLowerInvariant() is "feature" or "task" or "it" or "release":
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

    [GeneratedRegex(@"^deploy(?:\s+(?<what>.+?))?\s+(?:to|on|in)\s+(?<env>\S+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Deploy();

    [GeneratedRegex(@"^(?:rollback|roll\s+back|revert)\s+(?<env>\S+)(?:\s+to\s+(?<to>\S+))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Rollback();

    [GeneratedRegex(@"^restart\s+(?:the\s+)?(?:service\s+)?(?<service>\S+)\s+(?:on|in)\s+(?<env>\S+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RestartOn();

    [GeneratedRegex(@"^restart\s+(?<env>\S+)(?:\s+(?:service\s+)?(?<service>\S+))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Restart();

    [GeneratedRegex(@"^(?:(?<verb>run|apply|check)\s+(?:the\s+)?migrations|(?<verb>migrate))\s+(?:(?:on|in|for)\s+)?(?<env>\S+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Migrations();

    [GeneratedRegex(@"^(?:status\s+(?:of\s+)?(?<env>\S+)|(?<env2>\S+)\s+status)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Status();
}
