using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Secrets;

/// <summary>
/// Masks what looks like a secret in text taken from a server (log lines): passwords in URLs and values of
/// KEY/SECRET/TOKEN/PASSWORD assignments. Errors, health evidence and answers quote server output; they must
/// never quote a secret.
/// </summary>
public static partial class Redaction
{
    public static string Redact(string text) =>
        SecretAssignment().Replace(UrlPassword().Replace(text, "${1}***@"), "${1}${2}***");

    [GeneratedRegex(@"(://[^:/@\s]+:)[^@\s]+@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i)(\b[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|SECRET_?KEY)[A-Z0-9_]*)(\s*[=:]\s*)[^\s,;]+")]
    private static partial Regex SecretAssignment();
}
