using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// A malformed <c>${...}</c> template, or a <c>${VAR:?message}</c> whose variable has no value. The
/// message carries the template (compose does the same for compose files); callers interpolating secret
/// material (.env values) replace it with a message that names only the line.
/// </summary>
public sealed class InterpolationException(string message, string template, bool isInvalidTemplate = false, string? variable = null)
    : DevOpsAgentException(message, ExitCodes.InvalidInput)
{
    public string Template { get; } = template;

    public bool IsInvalidTemplate { get; } = isInvalidTemplate;

    /// <summary>The variable a <c>:?</c>/<c>?</c> required, when that is the failure.</summary>
    public string? Variable { get; } = variable;

    /// <summary>The reason without the template text, safe to print for secret material.</summary>
    public string SafeReason => IsInvalidTemplate ? "invalid interpolation format" : Message;
}
