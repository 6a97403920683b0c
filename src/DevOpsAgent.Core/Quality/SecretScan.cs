using System.Text.RegularExpressions;
using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// Scans the files git tracks for committed secrets: token formats by their own patterns
/// (<see cref="SecretRules"/>), passwords in URLs, and literals under secret names that look random
/// enough. A finding shows file:line, the rule and a masked excerpt, never the secret itself. Lockfiles,
/// templates of .env files and documented example keys are not secrets.
/// </summary>
public static partial class SecretScan
{
    private static readonly string[] LockFiles =
        ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb", "poetry.lock", "uv.lock", "Pipfile.lock", "Cargo.lock", "composer.lock", "Gemfile.lock", "go.sum", "pdm.lock"];

    public static IReadOnlyList<Finding> Run(ProjectSnapshot project, SecretAllowlist? allowlist = null)
    {
        allowlist ??= SecretAllowlist.From(project);
        var findings = new List<Finding>();
        foreach (var file in project.TrackedFiles)
        {
            if (file.Path.Contains("node_modules/", StringComparison.Ordinal) || file.Name == SecretAllowlist.FileName || LockFiles.Contains(file.Name)
                || file.Name.EndsWith(".min.js", StringComparison.Ordinal) || file.Name.EndsWith(".svg", StringComparison.Ordinal))
            {
                continue;
            }

            findings.AddRange(ScanFile(file).Where(f => !allowlist.Allows(f)));
        }

        return Findings.Sorted(findings);
    }

    /// <summary>A .env file (.env, .env.production, backend/.env), not one of its templates.</summary>
    public static bool IsDotenv(string name) =>
        (name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal)) && !ExampleFiles.IsExample(name);

    public static string Mask(string secret) =>
        secret.Length <= 8 ? new string('*', 8) : $"{secret[..4]}{new string('*', 8)} ({secret.Length} chars)";

    private static IEnumerable<Finding> ScanFile(ProjectFile file)
    {
        var example = ExampleFiles.IsExample(file.Path);
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 2000 || line.Contains("devops-agent: allow", StringComparison.Ordinal))
            {
                continue;
            }

            if (LineFinding(file.Path, i + 1, line, example) is { } finding)
            {
                yield return finding;
            }
        }
    }

    private static Finding? LineFinding(string path, int number, string line, bool example)
    {
        foreach (var rule in SecretRules.All)
        {
            if (line.Contains(rule.Keyword, StringComparison.Ordinal) && rule.Pattern.Match(line) is { Success: true } match
                && !SecretRules.IsDocumentedExample(match.Value))
            {
                return Secret(rule.Id, path, number, $"{rule.What} is committed: {Mask(match.Value)}");
            }
        }

        // A template's values are placeholders by intent; only a real token format (above) in one is a leak.
        if (example)
        {
            return null;
        }

        // The URL regex tries a scheme at every letter of the line, which made it most of the scan's time;
        // it cannot match without "://", and looking for that first is one vectorized search.
        if (line.Contains("://", StringComparison.Ordinal)
            && ComposeUrl().Match(line) is { Success: true } url && IsRealValue(url.Groups[1].Value) && !SecretHeuristics.IsDevelopmentDefault(url.Groups[1].Value))
        {
            return Secret("secret-url-credentials", path, number, $"a URL carries a password: {Mask(url.Groups[1].Value)}");
        }

        if (Assignment().Match(line) is { Success: true } assignment && SecretHeuristics.IsSecretName(assignment.Groups[1].Value)
            && !NotASecretName().IsMatch(assignment.Groups[1].Value))
        {
            var key = assignment.Groups[1].Value;
            var value = assignment.Groups[3].Value;
            var quoted = assignment.Groups[2].Value.Length > 0;
            // In source code an unquoted right-hand side is an expression (a variable, a call), not a literal:
            // `api_key = client_config.get("key")`. Config files (.env, YAML, INI) have no such thing.
            if (!IsRealValue(value) || (!quoted && (IsSourceCode(path) || value.IndexOfAny(ExpressionCharacters) >= 0))
                || SecretHeuristics.IsDevelopmentDefault(value) || NotASecretValue().IsMatch(value) || SecretRules.IsDocumentedExample(value))
            {
                return null;
            }

            if (value.Length >= 16 && SecretHeuristics.EntropyPerChar(value) >= 3.5)
            {
                return Secret("secret-high-entropy", path, number, $"{key} holds a random-looking literal: {Mask(value)}");
            }

            // A literal made only of words ("order-region", "user.id") names something; a password has
            // digits or symbols in it.
            if (quoted && value.Length >= 8 && !Words().IsMatch(value))
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

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^\s:/@'""]+:([^\s@/'""]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex ComposeUrl();

    [GeneratedRegex(@"^\s*(?:export\s+)?[""']?([A-Za-z_][A-Za-z0-9_.-]*)[""']?\s*(?::|=|:=)\s*([""']?)([^""'\s#,;]+)\2")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(?i:pass|password|passwd|pwd|secret|user|username|test|xxx+|\*+|none|null|true|false|str|int|bool|string|number|boolean|any|optional|secretstr|undefined|os\..*|settings\..*|env\..*|getenv.*|config\..*|process\.env.*)$")]
    private static partial Regex CommonPlaceholder();

    /// <summary>Names with KEY, TOKEN or PASSWORD in them that hold no secret: ORM arguments, lengths, URLs, headers.</summary>
    [GeneratedRegex(@"(?i)^(foreign_key|primary_key|sort_key|partition_key|unique_key|public_key|publishable_key|key_func|lookup_key|cache_key\w*)$|(?i)[_.-](url|uri|urls|type|types|expire\w*|minutes|hours|days|seconds|ttl|algorithm|length|field|name|header|prefix|path|file|endpoint|cookie|location|lifetime|format|env|var|id)$")]
    private static partial Regex NotASecretName();

    /// <summary>Paths, URLs without credentials, dotted identifiers and numbers.</summary>
    [GeneratedRegex(@"^(/|\./|~/|https?://|[A-Za-z_]+(\.[A-Za-z_]+)+$|\d+$)")]
    private static partial Regex NotASecretValue();

    [GeneratedRegex(@"^[A-Za-z]+([-_. ][A-Za-z]+)*$")]
    private static partial Regex Words();
}
