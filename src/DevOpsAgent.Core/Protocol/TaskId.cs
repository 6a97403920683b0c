using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>The Orchestrator's task ids: <c>TASK-045</c>, any letters-dash-digits, normalised to upper case.</summary>
public static partial class TaskId
{
    public static bool IsTaskId(string text) => Pattern().IsMatch(text);

    public static string Parse(string text) =>
        IsTaskId(text) ? text.ToUpperInvariant() : throw new InvalidInputException($"Invalid task id '{MessageParser.Printable(text)}': expected letters, '-', digits (e.g. TASK-045).");

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]{0,15}-[0-9]{1,9}\z")]
    private static partial Regex Pattern();
}
