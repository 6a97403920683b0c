using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Git;

/// <summary>
/// A branch, tag or commit name that passed <c>git check-ref-format</c>'s rules, is printable ASCII (so no
/// look-alike letter, bidi override or zero-width character can pass for another name) and contains nothing a
/// shell treats specially. Anything else is refused before a command is built or a server is touched.
/// </summary>
public sealed record GitRef
{
    private GitRef(string name) => Name = name;

    public string Name { get; }

    /// <summary>True when the name looks like an abbreviated or full commit id.</summary>
    public bool IsCommitId => Name.Length is >= 7 and <= 40 && Name.All(char.IsAsciiHexDigitLower);

    public static GitRef Parse(string name) =>
        TryParse(name, out var gitRef, out var reason) ? gitRef : throw new InvalidInputException($"Invalid git ref '{InputText.Quote(name)}': {reason}.");

    /// <summary>A release named by <c>rollback --to</c>: a version, tag or commit prefix, held to the same syntax as a ref.</summary>
    public static GitRef ParseRelease(string name) =>
        TryParse(name, out var gitRef, out var reason) ? gitRef : throw new InvalidInputException($"Invalid release '{InputText.Quote(name)}': {reason} (expected a version, tag or commit prefix).");

    public static bool TryParse(string name, out GitRef gitRef, out string reason)
    {
        gitRef = null!;
        reason = Check(name) ?? "";
        if (reason.Length > 0)
        {
            return false;
        }

        gitRef = new GitRef(name);
        return true;
    }

    public override string ToString() => Name;

    private static string? Check(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > 255)
        {
            return "it is longer than 255 characters";
        }

        var forbidden = name.FirstOrDefault(c => c is '~' or '^' or ':' or '?' or '*' or '[' or '\\'
            or ';' or '&' or '|' or '$' or '`' or '(' or ')' or '<' or '>' or '\'' or '"' or '!' or '#' or '{' or '}' or ',' or '=');
        if (forbidden != default)
        {
            return $"'{forbidden}' is not allowed in a ref";
        }

        var at = name.AsSpan().IndexOfAnyExceptInRange('!', '~');
        if (at >= 0)
        {
            var foreign = char.IsSurrogatePair(name, at) ? char.ConvertToUtf32(name, at) : name[at];
            return foreign is <= ' ' or 0x7f
                ? $"it contains a space or control character ({InputText.CodePoint(foreign)})"
                : $"it contains {InputText.CodePoint(foreign)}, which is not printable ASCII (look-alike letters, bidi and zero-width characters are refused)";
        }

        if (name.StartsWith('-'))
        {
            return "it starts with '-'";
        }

        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal))
        {
            return "it has an empty path component";
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.EndsWith('.') || name.Contains("@{", StringComparison.Ordinal) || name == "@")
        {
            return "it contains '..', '@{', a trailing '.' or is '@'";
        }

        foreach (var component in name.Split('/'))
        {
            if (component.StartsWith('.') || component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return $"component '{component}' starts with '.' or ends with '.lock'";
            }
        }

        return null;
    }
}
