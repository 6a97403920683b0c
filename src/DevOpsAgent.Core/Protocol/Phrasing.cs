using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// The ways an Orchestrator phrases a message, turned into the grammar's own words before the grammar reads it:
/// politeness and filler at either end, verb synonyms at the start. It only drops or renames words it knows;
/// what the grammar then extracts (refs, services, environments) is validated exactly as before. A message that
/// names two environments or asks for two actions is refused here rather than guessed.
/// </summary>
internal static partial class Phrasing
{
    private static readonly string[][] LeadingFiller =
    [
        ["please"], ["kindly"], ["pls"], ["ok"], ["okay"], ["hi"], ["hey"], ["now"], ["so"],
        ["could", "you"], ["can", "you"], ["would", "you"], ["will", "you"],
        ["i", "need", "you", "to"], ["i", "want", "you", "to"], ["i'd", "like", "you", "to"], ["go", "ahead", "and"],
        ["thanks"], ["thank", "you"],
    ];

    private static readonly string[][] TrailingFiller =
    [
        ["please"], ["pls"], ["now"], ["thanks"], ["thx"], ["thank", "you"], ["asap"], ["right", "now"], ["for", "me"],
    ];

    /// <summary>Lead-ins of a question that carry no meaning: "show me the logs of staging" asks for "the logs of staging".</summary>
    private static readonly string[][] QuestionLeadIns =
    [
        ["show", "me"], ["give", "me"], ["get", "me"], ["tell", "me"], ["let", "me", "know"], ["do", "you", "know"],
        ["i'd", "like", "to", "know"], ["i", "want", "to", "know"], ["can", "i", "see"], ["can", "i", "get"], ["show"], ["get"], ["list"], ["check"], ["tail"],
    ];

    private static readonly string[][] QuestionTrailers = [["currently"], ["at", "the", "moment"], ["right", "now"], ["now"], ["today"]];

    /// <summary>Words that, after "and", "then" or a comma, start a second action.</summary>
    private static readonly HashSet<string> Verbs =
    [
        "deploy", "redeploy", "re-deploy", "ship", "push", "release", "promote", "rollback", "undo", "roll", "revert", "restart", "bounce", "reboot",
        "migrate", "run", "apply", "check", "status",
    ];

    private static readonly HashSet<string> Connectors = ["and", "then", "also", "&", "&&", "+", ";"];

    /// <summary>Words before an environment's name that make it a ref: "deploy branch staging to production".</summary>
    private static readonly HashSet<string> RefKinds = ["branch", "tag", "ref", "commit", "version", "release"];

    public static string Instruction(string body, IReadOnlyCollection<string> environments)
    {
        var words = StripFiller(Words(body), LeadingFiller, TrailingFiller);
        RefuseAmbiguity(body, words, environments, actions: true);
        var text = string.Join(' ', words);
        // The first synonym that matches the start wins: "check migrations" must not become "status migrations".
        foreach (var (synonym, verb) in VerbSynonyms)
        {
            if (synonym.IsMatch(text))
            {
                return synonym.Replace(text, verb, 1);
            }
        }

        return text;
    }

    private static readonly (Regex Synonym, string Verb)[] VerbSynonyms =
    [
        (CheckMigrations(), "check migrations"),
        (RunMigrations(), "run migrations"),
        (StatusOf(), "status"),
        (DeploySynonym(), "deploy"),
        (RollbackSynonym(), "rollback"),
        (RestartSynonym(), "restart"),
    ];

    public static string Question(string body, IReadOnlyCollection<string> environments)
    {
        var words = StripFiller(Words(body), LeadingFiller, TrailingFiller);
        words = StripFiller(words, QuestionLeadIns, QuestionTrailers);
        RefuseAmbiguity(body, words, environments, actions: false);
        return string.Join(' ', words);
    }

    /// <summary>
    /// The words, with a comma or a sentence's '.' or '!' dropped where it only sets off filler ("staging, please",
    /// "Thank you. Deploy …", "… to staging. Thanks!"); anywhere else it stays, for the grammar to refuse.
    /// </summary>
    private static List<string> Words(string body)
    {
        var words = body.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            var bare = words[i].TrimEnd(',', '.', '!');
            var next = i + 1 < words.Count ? words[i + 1].TrimEnd(',', '.', '!').ToLowerInvariant() : null;
            if (bare.Length > 0 && bare.Length < words[i].Length && (FillerWords.Contains(bare.ToLowerInvariant()) || next is not null && FillerWords.Contains(next)))
            {
                words[i] = bare;
            }
        }

        return words;
    }

    private static readonly HashSet<string> FillerWords = ["please", "pls", "kindly", "thanks", "thx", "thank", "you", "ok", "okay", "hi", "hey", "now"];

    private static List<string> StripFiller(List<string> words, string[][] leading, string[][] trailing)
    {
        var changed = true;
        while (changed && words.Count > 0)
        {
            changed = false;
            foreach (var filler in leading)
            {
                if (words.Count > filler.Length && words.Take(filler.Length).Select(w => w.ToLowerInvariant()).SequenceEqual(filler))
                {
                    words = words[filler.Length..];
                    changed = true;
                }
            }

            foreach (var filler in trailing)
            {
                if (words.Count > filler.Length && words.TakeLast(filler.Length).Select(w => w.ToLowerInvariant()).SequenceEqual(filler))
                {
                    words = words[..^filler.Length];
                    changed = true;
                }
            }
        }

        return words;
    }

    private static void RefuseAmbiguity(string body, List<string> words, IReadOnlyCollection<string> environments, bool actions)
    {
        var named = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].ToLowerInvariant().TrimEnd(',', ';', '.');
            word = word.EndsWith("'s", StringComparison.Ordinal) ? word[..^2] : word;
            // "live" is also an adjective ("which version is live on staging"), so only a configured name or a plain alias counts.
            if (word != "live" && (i == 0 || !RefKinds.Contains(words[i - 1].ToLowerInvariant()))
                && Environments.TryResolve(word, environments) is { } environment && !named.Contains(environment))
            {
                named.Add(environment);
            }

            var joined = i > 0 && (Connectors.Contains(words[i - 1].ToLowerInvariant()) || words[i - 1].EndsWith(',') || words[i - 1].EndsWith(';'));
            if (actions && joined && Verbs.Contains(word))
            {
                throw new RefusedException($"'{MessageParser.Printable(body)}' asks for more than one action: one EXECUTE carries out one instruction.");
            }
        }

        if (named.Count > 1)
        {
            throw new RefusedException($"'{MessageParser.Printable(body)}' names {named.Count} environments ({string.Join(", ", named)}): "
                + "one message acts on one environment (a branch named like an environment is `branch <name>`).");
        }
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^(?:check|show|list|verify)\s+(?:for\s+)?(?:(?:the|any|all)\s+)?(?:(?:pending|outstanding|new|database|db)\s+)*migrations?(?:\s+status)?(?=\s|$)", Options)]
    private static partial Regex CheckMigrations();

    [GeneratedRegex(@"^(?:(?:apply|run|execute)\s+(?:(?:the|all|any)\s+)?(?:(?:pending|outstanding|new|database|db)\s+)*migrations?|migrate(?:\s+the\s+(?:database|db)|\s+(?:database|db))?)(?=\s|$)", Options)]
    private static partial Regex RunMigrations();

    [GeneratedRegex(@"^(?:(?:check|get|report|show|what\s+is|what's|whats)\s+(?:the\s+)?(?:current\s+)?(?:status|health)|health\s*-?check|check)(?=\s|$)", Options)]
    private static partial Regex StatusOf();

    [GeneratedRegex(@"^(?:re-?deploy|ship|push|release|promote|roll\s*-?\s*out)(?=\s|$)", Options)]
    private static partial Regex DeploySynonym();

    [GeneratedRegex(@"^(?:roll\s*-?\s*back|revert|go\s+back|undo)(?=\s|$)", Options)]
    private static partial Regex RollbackSynonym();

    [GeneratedRegex(@"^(?:bounce|reboot|recycle)(?=\s|$)", Options)]
    private static partial Regex RestartSynonym();
}
