using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The nearest message the grammar understands, for a refusal to end with. Deterministic: the intent is the one
/// whose words (or words within a small edit distance, "deplyo") the message holds most of, the environment the
/// first configured one it names (else the first configured), a ref only a version-like token that is a valid ref.
/// Nothing else from the text is copied, and every candidate is parsed before it is offered.
/// </summary>
internal static class Suggestion
{
    /// <summary>The task a suggestion names when the message gave none (the Orchestrator puts its own).</summary>
    public const string PlaceholderTask = "TASK-1";

    private const string Always = "DevOps Agent [CONSULT]: what is deployed where";

    private enum Intent { Deploy, Rollback, Restart, RunMigrations, CheckMigrations, Status, LastDeploy, DeployedWhere, Variables, MigrationStatus, MigrationsNeeded, Preflight, Logs }

    private static readonly (Intent Intent, string[] Words)[] ExecuteWords =
    [
        (Intent.Deploy, ["deploy", "redeploy", "re-deploy", "ship", "push", "release", "promote", "rollout", "install", "update", "upgrade", "feature"]),
        (Intent.Rollback, ["rollback", "revert", "back", "undo", "downgrade", "previous"]),
        (Intent.Restart, ["restart", "bounce", "reboot", "recycle", "start", "stop"]),
        (Intent.RunMigrations, ["migrate", "migration", "migrations", "alembic", "upgrade"]),
        (Intent.Status, ["status", "health", "healthy", "state", "check"]),
    ];

    private static readonly (Intent Intent, string[] Words)[] ConsultWords =
    [
        (Intent.Status, ["status", "health", "healthy", "doing", "up", "state", "ok"]),
        (Intent.LastDeploy, ["last", "latest", "when", "recent", "deploy", "deployment"]),
        (Intent.DeployedWhere, ["where", "deployed", "version", "versions", "everywhere", "overview"]),
        (Intent.Variables, ["variables", "vars", "variable", "secrets", "required", "missing", "env"]),
        (Intent.MigrationStatus, ["migration", "migrations", "pending", "database", "alembic", "schema"]),
        (Intent.Preflight, ["preflight", "pre-flight", "ready", "checklist"]),
        (Intent.Logs, ["logs", "log", "errors", "error", "output"]),
    ];

    private static readonly HashSet<string> Negations = ["not", "don't", "dont", "never", "no", "without", "cancel", "stop", "avoid"];

    private static readonly HashSet<string> RunWords = ["apply", "run", "execute", "migrate"];

    private static readonly HashSet<string> CheckWords = ["check", "show", "list", "verify", "pending", "any"];

    /// <summary>The same refusal, its message ending with <c>Did you mean "…"?</c>.</summary>
    public static DevOpsAgentException Append(DevOpsAgentException refusal, MessageMode mode, string? task, string body, IReadOnlyCollection<string>? environments)
    {
        var text = $"{refusal.Message} Did you mean \"{For(mode, task, body, environments)}\"?";
        return refusal is RefusedException ? new RefusedException(text) : new InvalidInputException(text, refusal.InnerException);
    }

    /// <summary>A whole message the parser accepts; without configured environments, the one question that needs none.</summary>
    public static string For(MessageMode mode, string? task, string body, IReadOnlyCollection<string>? environments)
    {
        if (environments is not { Count: > 0 })
        {
            return Always;
        }

        var tokens = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var words = Words(body);
        var named = words.Select(w => w.Length > 0 && w != "live" ? Environments.TryResolve(w, environments) : null).FirstOrDefault(e => e is not null);
        var environment = named ?? environments.First();
        var taskInBody = words.FirstOrDefault(TaskId.IsTaskId)?.ToUpperInvariant();
        var executeTask = task is not null && TaskId.IsTaskId(task) ? task.ToUpperInvariant() : PlaceholderTask;
        var header = mode == MessageMode.Execute ? $"DevOps Agent [EXECUTE {executeTask}]: " : "DevOps Agent [CONSULT]: ";

        var ranked = Rank(words, mode == MessageMode.Execute ? ExecuteWords : ConsultWords);
        // "do not deploy to production" must not be answered with "Deploy feature to production": only a read-only status.
        if (mode == MessageMode.Execute && words.Any(Negations.Contains))
        {
            ranked.Clear();
        }

        // Migrations that are only looked at ("show pending migrations") are checked, not run.
        if (ranked.IndexOf(Intent.RunMigrations) is var run and >= 0 && !words.Any(RunWords.Contains) && words.Any(CheckWords.Contains))
        {
            ranked[run] = Intent.CheckMigrations;
        }

        if (ranked.Contains(Intent.MigrationStatus) && taskInBody is not null)
        {
            ranked.Insert(ranked.IndexOf(Intent.MigrationStatus), Intent.MigrationsNeeded);
        }

        var version = tokens.FirstOrDefault(t => LooksLikeVersion(t) && GitRef.TryParse(t, out _, out _));
        var candidates = ranked.Select(intent => Body(intent, environment, named is not null, version, taskInBody))
            .Append(mode == MessageMode.Execute ? $"Status {environment}" : $"{environment} status");
        foreach (var candidate in candidates.OfType<string>())
        {
            if (Understood(mode, executeTask, candidate, environments))
            {
                return header + candidate;
            }
        }

        return Always;
    }

    private static string? Body(Intent intent, string environment, bool named, string? version, string? task) => intent switch
    {
        Intent.Deploy => $"Deploy {version ?? "feature"} to {environment}",
        Intent.Rollback => version is null ? $"Roll back {environment}" : $"Roll back {environment} to {version}",
        Intent.Restart => $"Restart {environment}",
        Intent.RunMigrations => $"Run migrations on {environment}",
        Intent.CheckMigrations => $"Check migrations on {environment}",
        Intent.Status => $"{environment} status",
        Intent.LastDeploy => $"last {environment} deploy",
        Intent.DeployedWhere => "what is deployed where",
        Intent.Variables => named ? $"required environment variables on {environment}" : "required environment variables",
        Intent.MigrationStatus => $"migration status {environment}",
        Intent.MigrationsNeeded => task is null ? null : $"migrations needed for {task}",
        Intent.Preflight => task is null ? null : $"preflight {task}",
        Intent.Logs => $"logs {environment}",
        _ => null,
    };

    /// <summary>Intents by how many of their words the message holds, exact hits counting double; ties in table order.</summary>
    private static List<Intent> Rank(IReadOnlyList<string> words, (Intent Intent, string[] Words)[] table) =>
    [
        .. table
            .Select((entry, order) => (entry.Intent, order, score: words.Sum(w => entry.Words.Contains(w) ? 2 : entry.Words.Any(k => Near(w, k)) ? 1 : 0)))
            .Where(e => e.score > 0)
            .OrderByDescending(e => e.score).ThenBy(e => e.order)
            .Select(e => e.Intent),
    ];

    private static bool Understood(MessageMode mode, string task, string body, IReadOnlyCollection<string> environments)
    {
        try
        {
            var message = new AgentMessage(mode, mode == MessageMode.Execute ? task : null, body);
            _ = mode == MessageMode.Execute ? InstructionParser.Interpret(message, environments) : (object)QuestionParser.Interpret(message, environments);
            return true;
        }
        catch (DevOpsAgentException)
        {
            return false;
        }
    }

    /// <summary>Lower-case words of letters, digits and <c>-._/'</c>; anything else (shell metacharacters, hidden characters) separates words.</summary>
    private static List<string> Words(string body)
    {
        var cleaned = new string([.. body.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or '\'' ? char.ToLowerInvariant(c) : ' ')]);
        return [.. cleaned.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.EndsWith("'s", StringComparison.Ordinal) ? w[..^2] : w.Trim('\'', '.'))];
    }

    private static bool LooksLikeVersion(string token) =>
        token.Length > 1 && (token[0] is 'v' or 'V' && char.IsAsciiDigit(token[1]) || char.IsAsciiDigit(token[0]) && token.Contains('.', StringComparison.Ordinal));

    /// <summary>A misspelling: within one edit of a short word, two of a long one; never for words under four letters.</summary>
    private static bool Near(string word, string known) =>
        word.Length >= 4 && known.Length >= 4 && Math.Abs(word.Length - known.Length) <= 2 && Distance(word, known) <= (known.Length >= 6 ? 2 : 1);

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
