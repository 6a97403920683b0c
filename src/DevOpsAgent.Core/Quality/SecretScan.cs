using System.Text.RegularExpressions;
using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// Scans the files git tracks for committed secrets. A finding shows file:line, the rule and a masked
/// excerpt (a few leading characters), never the secret itself.
/// </summary>
public static partial class SecretScan
{
    private sealed record Rule(string Id, string What, Regex Pattern);

    private static readonly Rule[] Rules =
    [
        new("secret-private-key", "a private key", PrivateKey()),
        new("secret-aws-key", "an AWS access key id", AwsKey()),
        new("secret-github-token", "a GitHub token", GitHubToken()),
        new("secret-slack-token", "a Slack token", SlackToken()),
        new("secret-stripe-key", "a Stripe live key", StripeKey()),
        new("secret-google-api-key", "a Google API key", GoogleKey()),
    ];

    private static readonly string[] ExampleEnvNames = [".env.example", ".env.sample", ".env.template", ".env.dist"];

    public static IReadOnlyList<Finding> Run(ProjectSnapshot project, SecretAllowlist? allowlist = null)
    {
        allowlist ??= SecretAllowlist.From(project);
        var findings = new List<Finding>();
        foreach (var file in project.TrackedFiles)
        {
            if (IsDotenv(file.Name) && project.Git.IsRepository)
            {
                findings.Add(new Finding("secret-tracked-env", Severity.Error, file.Path, 0, $"{file.Path} is tracked by git",
                    $"git rm --cached {file.Path}, add it to .gitignore and rotate every secret it held"));
            }

            if (file.Path.Contains("node_modules/", StringComparison.Ordinal) || file.Name == SecretAllowlist.FileName)
            {
                continue;
            }

            findings.AddRange(ScanFile(file).Where(f => !allowlist.Allows(f)));
        }

        return Findings.Sorted(findings);
    }

    public static bool IsDotenv(string name) =>
        (name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal)) && !ExampleEnvNames.Contains(name);

    public static string Mask(string secret) =>
        secret.Length <= 8 ? new string('*', 8) : $"{secret[..4]}{new string('*', 8)} ({secret.Length} chars)";

    private static IEnumerable<Finding> ScanFile(ProjectFile file)
    {
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 2000 || line.Contains("devops-agent: allow", StringComparison.Ordinal))
            {
                continue;
            }

            if (LineFinding(file.Path, i + 1, line) is { } finding)
            {
                yield return finding;
            }
        }
    }

    private static Finding? LineFinding(string path, int number, string line)
    {
        foreach (var rule in Rules)
        {
            if (rule.Pattern.Match(line) is { Success: true } match)
            {
                return Secret(rule.Id, path, number, $"{rule.What} is committed: {Mask(match.Value)}");
            }
        }

        // The URL regex tries a scheme at every letter of the line, which made it most of the scan's time;
        // it cannot match without "://", and looking for that first is one vectorized search.
        if (line.Contains("://", StringComparison.Ordinal)
            && ComposeUrl().Match(line) is { Success: true } url && IsRealValue(url.Groups[1].Value))
        {
            return Secret("secret-url-credentials", path, number, $"a URL carries a password: {Mask(url.Groups[1].Value)}");
        }

        if (Assignment().Match(line) is { Success: true } assignment && SecretHeuristics.IsSecretName(assignment.Groups[1].Value))
        {
            var key = assignment.Groups[1].Value;
            var value = assignment.Groups[3].Value;
            var quoted = assignment.Groups[2].Value.Length > 0;
            // In source code an unquoted right-hand side is an expression (a variable, a call), not a literal:
            // `api_key = client_config.get("key")`. Config files (.env, YAML, INI) have no such thing.
            if (!IsRealValue(value) || (!quoted && (IsSourceCode(path) || value.IndexOfAny(ExpressionCharacters) >= 0)))
            {
                return null;
            }

            if (value.Length >= 16 && SecretHeuristics.EntropyPerChar(value) >= 3.5)
            {
                return Secret("secret-high-entropy", path, number, $"{key} holds a random-looking literal: {Mask(value)}");
            }

            if (quoted && value.Length >= 6)
            {
                return Secret("secret-assignment", path, number, $"{key} is assigned a literal: {Mask(value)}");
            }
        }

        return null;
    }

    private static readonly char[] ExpressionCharacters = ['(', ')', '[', ']'];

    private static readonly string[] SourceCodeExtensions =
        [".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".rb", ".go", ".java", ".kt", ".cs", ".php", ".rs", ".swift", ".scala"];

    private static bool IsSourceCode(string path) => SourceCodeExtensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Not a placeholder, an interpolation or a reference to another variable.</summary>
    private static bool IsRealValue(string value) =>
        value.Length > 0 && !value.Contains('$', StringComparison.Ordinal) && !value.Contains('{', StringComparison.Ordinal)
        && !SecretHeuristics.IsPlaceholder(value) && !CommonPlaceholder().IsMatch(value);

    private static Finding Secret(string rule, string path, int line, string message) =>
        new(rule, Severity.Error, path, line, message,
            "remove it, rotate it, read it from the environment; if it is a false positive, add it to " + SecretAllowlist.FileName);

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\b[sr]k_live_[A-Za-z0-9]{20,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}\b")]
    private static partial Regex GoogleKey();

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^\s:/@'""]+:([^\s@/'""]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex ComposeUrl();

    [GeneratedRegex(@"^\s*(?:export\s+)?[""']?([A-Za-z_][A-Za-z0-9_.-]*)[""']?\s*(?::|=|:=)\s*([""']?)([^""'\s#,;]+)\2")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(?i:pass|password|passwd|pwd|secret|user|username|test|xxx+|\*+|none|null|true|false|str|int|bool|os\..*|settings\..*|env\..*|getenv.*|config\..*|process\.env.*)$")]
    private static partial Regex CommonPlaceholder();
}
