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
        (name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal) || (name.EndsWith(".env", StringComparison.Ordinal) && name.Length > 4))
        && !ExampleFiles.IsExample(name);

    public static string Mask(string secret) =>
        secret.Length <= 8 ? new string('*', 8) : $"{secret[..4]}{new string('*', 8)} ({secret.Length} chars)";

    private static IEnumerable<Finding> ScanFile(ProjectFile file)
    {
        var content = file.Content.AsSpan();
        var kind = new FileKind(ExampleFiles.IsExample(file.Path), Compose.ComposeFile.IsComposeFileName(file.Path), IsDotenv(file.Name),
            IsSourceCode(file.Path), InTestsOrCi().IsMatch(file.Path), content.IndexOfAny(SecretRules.AnyKeyword) >= 0,
            content.Contains("env", StringComparison.Ordinal) || content.Contains("config(", StringComparison.Ordinal));
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 2000 || line.Contains("devops-agent: allow", StringComparison.Ordinal))
            {
                continue;
            }

            if (LineFinding(file.Path, i + 1, line, kind) is { } finding)
            {
                yield return finding;
            }
        }
    }

    /// <summary>What the rules need to know about a file, worked out once per file rather than per line.</summary>
    private readonly record struct FileKind(bool Example, bool Compose, bool Dotenv, bool SourceCode, bool TestsOrCi, bool HasTokenKeyword, bool ReadsEnvironment);

    private static Finding? LineFinding(string path, int number, string line, FileKind kind)
    {
        foreach (var rule in kind.HasTokenKeyword && line.AsSpan().IndexOfAny(SecretRules.AnyKeyword) >= 0 ? SecretRules.All : [])
        {
            if (rule.MayMatch(line) && rule.Pattern.Match(line) is { Success: true } match
                && !SecretRules.IsDocumentedExample(match.Value))
            {
                return Secret(rule.Id, path, number, $"{rule.What} is committed: {Mask(match.Value)}");
            }
        }

        // A template's values are placeholders by intent; only a real token format (above) in one is a leak.
        if (kind.Example)
        {
            return null;
        }

        // The URL regex tries a scheme at every letter of the line, which made it most of the scan's time;
        // it cannot match without "://", and looking for that first is one vectorized search.
        if (line.Contains("://", StringComparison.Ordinal)
            && ComposeUrl().Match(line) is { Success: true } url && IsRealValue(url.Groups[1].Value) && !SecretHeuristics.IsDevelopmentDefault(url.Groups[1].Value)
            && url.Groups[1].Value != url.Groups["user"].Value)
        {
            return Secret("secret-url-credentials", path, number, $"a URL carries a password: {Mask(url.Groups[1].Value)}");
        }

        if (kind.ReadsEnvironment && (line.Contains("env", StringComparison.Ordinal) || line.Contains("config(", StringComparison.Ordinal)) && FallbackLiteral().Match(line) is { Success: true } fallback
            && SecretHeuristics.IsSecretName(fallback.Groups[1].Value) && !NotASecretName().IsMatch(fallback.Groups[1].Value)
            && LooksLikePassword(fallback.Groups[2].Value))
        {
            return Secret("secret-fallback", path, number, $"{fallback.Groups[1].Value} falls back to a literal when unset: {Mask(fallback.Groups[2].Value)}");
        }

        // Compose files' environment literals are the compose lint's (compose-literal-secret, with the service).
        if (!kind.Compose && Assignment().Match(line) is { Success: true } assignment && SecretHeuristics.IsSecretName(assignment.Groups[1].Value)
            && !NotASecretName().IsMatch(assignment.Groups[1].Value))
        {
            var key = assignment.Groups[1].Value;
            var value = assignment.Groups[3].Value;
            var quoted = assignment.Groups[2].Value.Length > 0;
            // In source code an unquoted right-hand side is an expression (a variable, a call), not a literal:
            // `api_key = client_config.get("key")`. Config files (.env, YAML, INI) have no such thing.
            if (!IsRealValue(value) || (!quoted && (kind.SourceCode || value.IndexOfAny(ExpressionCharacters) >= 0))
                || SecretHeuristics.IsDevelopmentDefault(value) || NotASecretValue().IsMatch(value) || SecretRules.IsDocumentedExample(value))
            {
                return null;
            }

            // Tests and CI pipelines set throwaway credentials for their own databases and fixtures; only a real
            // token format (above) there is a leak.
            // A .env file is where secrets live: any real value under a secret name in a committed one is a leak.
            if (kind.Dotenv && value.Length >= 6)
            {
                return value.Length >= 16 && SecretHeuristics.EntropyPerChar(value) >= 3.5
                    ? Secret("secret-high-entropy", path, number, $"{key} holds a random-looking literal: {Mask(value)}")
                    : Secret("secret-assignment", path, number, $"{key} is assigned a literal: {Mask(value)}");
            }

            if (kind.TestsOrCi || IsWords(value))
            {
                return null;
            }

            if (value.Length >= 16 && SecretHeuristics.EntropyPerChar(value) >= 3.5)
            {
                return Secret("secret-high-entropy", path, number, $"{key} holds a random-looking literal: {Mask(value)}");
            }

            // A literal made only of words ("order-region", "user.id") names something; a password has
            // digits or symbols in it.
            // In a config file (.env, YAML, INI) an unquoted value is as literal as a quoted one.
            if ((quoted || !kind.SourceCode) && value.Length >= 8)
            {
                return Secret("secret-assignment", path, number, $"{key} is assigned a literal: {Mask(value)}");
            }
        }

        return null;
    }

    /// <summary>Long enough, not a word, a placeholder or a well-known default: what a default password in code would be.</summary>
    private static bool LooksLikePassword(string value) =>
        value.Length >= 8 && IsRealValue(value) && !SecretHeuristics.IsDevelopmentDefault(value) && !IsWords(value)
        && !NotASecretValue().IsMatch(value) && !SecretRules.IsDocumentedExample(value);

    /// <summary>
    /// Words ("order-region", "user.id", "Admin"): letters only, and either separated or too short or too
    /// regular for a random letter string such as a mail provider's generated password.
    /// </summary>
    private static bool IsWords(string value) =>
        Words().IsMatch(value) && (value.IndexOfAny(['-', '_', '.', ' ']) >= 0 || value.Length < 12 || SecretHeuristics.EntropyPerChar(value) < 3.4);

    private static readonly char[] ExpressionCharacters = ['(', ')', '[', ']'];

    private static readonly string[] SourceCodeExtensions =
        [".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".rb", ".go", ".java", ".kt", ".cs", ".php", ".rs", ".swift", ".scala"];

    private static bool IsSourceCode(string path) => SourceCodeExtensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Not a placeholder, an interpolation or a reference to another variable.</summary>
    private static bool IsRealValue(string value) =>
        value.Length > 0 && !SecretHeuristics.IsReference(value) && !value.StartsWith('{')
        && !SecretHeuristics.IsPlaceholder(value) && !CommonPlaceholder().IsMatch(value);

    private static Finding Secret(string rule, string path, int line, string message) =>
        new(rule, Severity.Error, path, line, message,
            "remove it, rotate it, read it from the environment; if it is a false positive, add it to " + SecretAllowlist.FileName);

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://(?<user>[^\s:/@'""]+):([^\s@/'""]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex ComposeUrl();

    /// <summary><c>os.getenv("DB_PASSWORD", "literal")</c>, <c>os.environ.get(…)</c>, <c>env("X", default="…")</c>, <c>config(…)</c>.</summary>
    [GeneratedRegex(@"(?:getenv|environ\.get|\benv|\bconfig)\(\s*[""']([A-Za-z_][A-Za-z0-9_]*)[""']\s*,\s*(?:default\s*=\s*)?[""']([^""']+)[""']")]
    private static partial Regex FallbackLiteral();

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

    [GeneratedRegex(@"(^|/)(tests?|e2e|__tests__|spec|cypress|fixtures|\.github|\.gitlab|\.circleci)/|(^|/)(test_[^/]*|[^/]*_test\.py|conftest\.py|tests?\.py|testing\.py|[^/]*\.(test|spec)\.[jt]sx?|\.gitlab-ci\.yml)$")]
    private static partial Regex InTestsOrCi();

    [GeneratedRegex(@"^[A-Za-z]+([-_. ][A-Za-z]+)*$")]
    private static partial Regex Words();
}
