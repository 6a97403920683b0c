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
    /// message). A message without a header is a consultation, unless EXECUTE was asked for.
    /// </summary>
    public static AgentMessage Parse(string text, MessageMode? expected = null)
    {
        var line = Clean(text);
        var match = Header().Match(line);
        if (!match.Success)
        {
            return expected == MessageMode.Execute
                ? throw new RefusedException("An EXECUTE message names its task: `DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging`.")
                : new AgentMessage(MessageMode.Consult, null, StripEnd(line));
        }

        var agent = match.Groups["agent"].Value.Trim();
        if (agent.Length > 0 && !IsThisAgent(agent))
        {
            throw new RefusedException($"This message is addressed to {agent}, not to DevOps Agent; nothing was done.");
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

        var body = StripEnd(match.Groups["body"].Value);
        return body.Length == 0
            ? throw new InvalidInputException("The message has nothing after its header: say what to do or what to answer.")
            : new AgentMessage(mode, task, body);
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

            if (c != '\t' && (char.IsControl(c) || c > '~'))
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

    /// <summary>A sentence's final '.', '!' or '?' is punctuation, not part of the last word.</summary>
    private static string StripEnd(string body) => body.Trim().TrimEnd('.', '!', '?').TrimEnd();

    [GeneratedRegex(@"^(?<agent>[^\[\]:]*?)\s*\[\s*(?<mode>[A-Za-z]+)(?:\s+(?<task>[^\]]*?))?\s*\]\s*:?\s*(?<body>.*)$")]
    private static partial Regex Header();
}
