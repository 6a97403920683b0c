using System.Text;
using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// Reads the header of an Orchestrator message, <c>DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging</c>:
/// case and spacing tolerant, the agent's name optional. A message must be one line of printable ASCII, so
/// that no line break, control character or look-alike letter can smuggle anything past the grammar.
/// </summary>
public static partial class MessageParser
{
    public const int MaxLength = 1000;

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="expected"/> is the mode the verb asks for (null for a bare
    /// message). A message without a header is a consultation, unless EXECUTE was asked for. A refusal ends with the
    /// nearest message that is understood, for which it needs the configured <paramref name="environments"/>
    /// (without them it can only suggest the question that names none).
    /// </summary>
    public static AgentMessage Parse(string text, MessageMode? expected = null, IReadOnlyCollection<string>? environments = null)
    {
        try
        {
            return Read(text, expected);
        }
        catch (DevOpsAgentException refusal) when (refusal is RefusedException or InvalidInputException)
        {
            var (mode, task, body) = Guess(text, expected);
            throw Suggestion.Append(refusal, mode, task, body, environments);
        }
    }

    private static AgentMessage Read(string text, MessageMode? expected)
    {
        var line = Unquote(Clean(text));
        var match = Header().Match(line);
        if (!match.Success)
        {
            return expected == MessageMode.Execute
                ? throw new RefusedException("An EXECUTE message names its task: `DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging`.")
                : new AgentMessage(MessageMode.Consult, null, Body(line, 0));
        }

        var agent = match.Groups["agent"].Value.Trim();
        if (agent.Length > 0 && !IsThisAgent(agent))
        {
            throw new RefusedException($"This message is addressed to {Printable(agent)}, not to DevOps Agent; nothing was done.");
        }

        var mode = match.Groups["mode"].Value.ToUpperInvariant() switch
        {
            "EXECUTE" => MessageMode.Execute,
            "CONSULT" or "QUERY" => MessageMode.Consult,
            var other => throw new RefusedException($"Unknown mode '{other}': DevOps Agent takes [EXECUTE TASK-n] and [CONSULT] messages."),
        };
        var task = match.Groups["task"].Value.Trim() is { Length: > 0 } t ? TaskId.Parse(t) : null;
        if (mode == MessageMode.Execute && task is null)
        {
            throw new RefusedException("An EXECUTE message names its task: `DevOps Agent [EXECUTE TASK-045]: …`.");
        }

        if (expected is { } wanted && wanted != mode)
        {
            throw new RefusedException($"This is a {mode.ToString().ToUpperInvariant()} message; `devops-agent {wanted.ToString().ToLowerInvariant()}` takes "
                + $"{wanted.ToString().ToUpperInvariant()} messages only (a bare `devops-agent \"<message>\"` takes either).");
        }

        var body = Body(match.Groups["body"].Value, match.Groups["body"].Index);
        return body.Length == 0
            ? throw new InvalidInputException("The message has nothing after its header: say what to do or what to answer.")
            : new AgentMessage(mode, task, body);
    }

    /// <summary>What a refused message was probably saying, from its printable ASCII only, for the suggestion.</summary>
    private static (MessageMode Mode, string? Task, string Body) Guess(string text, MessageMode? expected)
    {
        var visible = new string([.. text.Take(MaxLength).Select(c => c is >= ' ' and <= '~' ? c : ' ')]).Trim();
        var match = Header().Match(visible);
        if (!match.Success)
        {
            return (expected ?? MessageMode.Consult, null, visible);
        }

        var word = match.Groups["mode"].Value;
        var task = match.Groups["task"].Value.Trim() is var t && TaskId.IsTaskId(t) ? t : null;
        var known = word.ToUpperInvariant() is "EXECUTE" or "CONSULT" or "QUERY";
        // "[DEPLOY TASK-045]: feature to staging": an unknown mode with a task is an EXECUTE whose verb is the mode.
        var execute = word.Equals("execute", StringComparison.OrdinalIgnoreCase) || expected == MessageMode.Execute || !known && task is not null;
        var body = known ? match.Groups["body"].Value : $"{word} {match.Groups["body"].Value}";
        return (execute ? MessageMode.Execute : MessageMode.Consult, task, body);
    }

    /// <summary>Trims, turns tabs and runs of spaces into one space, and refuses line breaks, control and non-ASCII characters.</summary>
    public static string Clean(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new InvalidInputException("The message is empty.");
        }

        if (trimmed.Length > MaxLength)
        {
            throw new InvalidInputException($"The message is longer than {MaxLength} characters.");
        }

        var builder = new StringBuilder(trimmed.Length);
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085')
            {
                throw new InvalidInputException($"The message must be one line (a line break at column {i + 1}).");
            }

            if (c != '\t' && (char.IsControl(c) || c > '~') && !Typographic.Contains(c))
            {
                throw new InvalidInputException($"The message contains {Describe(c)} at column {i + 1}: messages are plain ASCII, so no look-alike or hidden character can pass.");
            }

            if (c is ' ' or '\t')
            {
                if (builder.Length > 0 && builder[^1] != ' ')
                {
                    builder.Append(' ');
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Input echoed in an error: at most 80 characters, control, bidi and zero-width characters escaped.</summary>
    public static string Printable(string text) => InputText.Quote(text);

    /// <summary>A look-alike letter is shown next to its code point; a hidden one (bidi, zero-width) only by its code point.</summary>
    private static string Describe(char c) =>
        char.IsControl(c) ? $"the control character {InputText.CodePoint(c)}"
        : InputText.IsHidden(c) ? $"the invisible character {InputText.CodePoint(c)}"
        : $"the non-ASCII character '{c}' ({InputText.CodePoint(c)})";

    /// <summary>"DevOps Agent", "devops-agent", "DEVOPS", "DevOpsAgent": letters only, case ignored.</summary>
    private static bool IsThisAgent(string name)
    {
        var letters = new string([.. name.Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);
        return letters is "devopsagent" or "devops";
    }

    /// <summary>Dashes and curly quotes an editor puts in: allowed as the header's separator, around the message or its body, and as an apostrophe.</summary>
    private const string Typographic = "\u2013\u2014\u2018\u2019\u201C\u201D";

    /// <summary>A whole message in quotes, as it is often pasted.</summary>
    private static string Unquote(string line)
    {
        var inner = line.TrimEnd('.', '!', '?');
        return inner.Length >= 2 && IsQuoted(inner) ? inner[1..^1].Trim() : line;
    }

    /// <summary>
    /// The body: surrounding quotes and a sentence's final '.', '!' or '?' dropped (punctuation, not part of the
    /// last word), a curly apostrophe made straight; any other typographic character is refused like non-ASCII.
    /// </summary>
    private static string Body(string body, int offset)
    {
        var text = body.Trim();
        for (var pass = 0; pass < 2; pass++)
        {
            text = text.TrimEnd('.', '!', '?').TrimEnd();
            if (text.Length >= 2 && IsQuoted(text))
            {
                text = text[1..^1].Trim();
            }
        }

        text = text.Replace('\u2019', '\'');
        var odd = text.IndexOfAny(Typographic.ToCharArray());
        return odd < 0
            ? text
            : throw new InvalidInputException($"The message contains {Describe(text[odd])} at column {offset + body.IndexOf(text[odd], StringComparison.Ordinal) + 1}: "
                + "messages are plain ASCII, so no look-alike or hidden character can pass.");
    }

    /// <summary>Opened and closed by the same straight quote, or by a pair of curly ones.</summary>
    private static bool IsQuoted(string text) => (text[0], text[^1]) is ('"', '"') or ('\'', '\'') or ('\u201C', '\u201D') or ('\u2018', '\u2019');

    [GeneratedRegex(@"^(?<agent>[^\[\]:]*?)\s*[:,]?\s*\[\s*(?<mode>[A-Za-z]+)(?:\s+(?<task>[^\]]*?))?\s*\]\s*(?:[:\-,\u2013\u2014]\s*)?(?<body>.*)$")]
    private static partial Regex Header();
}
