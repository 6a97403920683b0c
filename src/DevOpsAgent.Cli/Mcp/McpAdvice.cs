using System.Text.RegularExpressions;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// The services' messages give CLI advice (a flag, a command line); an MCP client cannot type either. The same
/// advice, said as the tool and argument to call, or what to do instead.
/// </summary>
public static partial class McpAdvice
{
    public static string Rewrite(string text)
    {
        var result = LockAdvice().Replace(text,
            ". Retry after the holder finishes (if this server started it, call deployment_status with its deployment_id); a lock whose holder stopped "
            + "beating is taken over once stale, and a lock that must be freed at once needs an operator (`devops-agent lock release ${env} --force`)");
        result = Rollback().Replace(result, m => (m.Groups["run"].Success ? "call " : "") + $"the rollback tool (environment: \"{m.Groups["env"].Value}\")");
        result = Deploy().Replace(result, "the deploy tool (environment: \"${env}\")");
        result = Logs().Replace(result, "consult (question: \"logs ${env}\")");
        result = Status().Replace(result, "the status tool (environment: \"${env}\")");
        result = Check().Replace(result, "the check tool");
        result = MessageVerb().Replace(result, "the ${verb} tool");
        result = result.Replace("(a bare `devops-agent \"<message>\"` takes either)", "(EXECUTE messages go to the execute tool, CONSULT questions to consult)", StringComparison.Ordinal);
        result = result.Replace("(--qa-approved-by, or the task's QA status)", "(the task's qa_status: approved in the project state)", StringComparison.Ordinal)
            .Replace("(rerun with --verbose for the stack trace, and report it)", "(start the server with --verbose for the stack trace on its stderr, and report it)", StringComparison.Ordinal)
            .Replace("(choose another file with --history or $DEVOPS_AGENT_HISTORY)", "(start the server with another --history file)", StringComparison.Ordinal);
        return result;
    }

    public static ExecutionReport Rewrite(ExecutionReport report) => report with
    {
        Reason = report.Reason is { } reason ? Rewrite(reason) : null,
        NextStep = Rewrite(report.NextStep),
    };

    [GeneratedRegex(@"\. Wait for it \(--lock-wait\), or if that deploy is dead, `devops-agent lock release (?<env>[^ `]+) --force`")]
    private static partial Regex LockAdvice();

    [GeneratedRegex(@"(?<run>run )?`(?:devops-agent )?rollback (?<env>[^ `]+)`")]
    private static partial Regex Rollback();

    [GeneratedRegex(@"`devops-agent deploy (?<env>[^ `]+)`")]
    private static partial Regex Deploy();

    [GeneratedRegex(@"`devops-agent logs (?<env>[^ `]+)`")]
    private static partial Regex Logs();

    [GeneratedRegex(@"`devops-agent status (?<env>[^ `]+)`")]
    private static partial Regex Status();

    [GeneratedRegex(@"`devops-agent (?<verb>execute|consult)`")]
    private static partial Regex MessageVerb();

    [GeneratedRegex(@"`devops-agent check`")]
    private static partial Regex Check();
}
