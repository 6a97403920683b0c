using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>What looks like a secret name, a placeholder value or a weak secret.</summary>
public static partial class SecretHeuristics
{
    private static readonly string[] Placeholders =
    [
        "generate_random_value", "changeme", "change_me", "change-me", "changethis", "change_this", "replace_me",
        "replaceme", "your_secret_key", "your-secret-key", "yoursecretkey", "secret", "password", "todo", "fixme",
        "xxx", "xxxx", "xxxxxx", "placeholder", "dummy", "insecure", "notsecret",
    ];

    /// <summary>KEY, SECRET, TOKEN, PASSWORD… as a word of the name (SECRET_KEY, DB_PASSWORD, API_TOKEN).</summary>
    public static bool IsSecretName(string key) => SecretName().IsMatch(key);

    public static bool IsPlaceholder(string value)
    {
        var trimmed = value.Trim().Trim('<', '>', '{', '}', '[', ']').ToLowerInvariant();
        return Placeholders.Contains(trimmed)
            || trimmed.StartsWith("change", StringComparison.Ordinal) && trimmed.Contains("me", StringComparison.Ordinal)
            || trimmed.StartsWith("generate", StringComparison.Ordinal)
            || trimmed.StartsWith("your_", StringComparison.Ordinal) || trimmed.StartsWith("your-", StringComparison.Ordinal)
            || (value.TrimStart().StartsWith('<') && value.TrimEnd().EndsWith('>'))
            || PlaceholderPhrase().IsMatch(value);
    }

    private static readonly string[] DevelopmentDefaults =
    [
        "postgres", "postgrespassword", "admin", "administrator", "root", "pass", "password", "passw0rd", "test", "testing", "dev",
        "development", "example", "123456", "12345678", "secret", "mysecretpassword", "app", "user", "guest", "django", "fastapi",
        "local", "default", "qwerty", "letmein", "minioadmin", "rabbitmq", "redis", "mysql", "mongo", "supersecret", "none", "null",
    ];

    /// <summary>A well-known development default (<c>postgres</c>, <c>admin</c>): nothing leaks, but nothing is protected either.</summary>
    public static bool IsDevelopmentDefault(string value) =>
        DevelopmentDefaults.Contains(value.Trim().ToLowerInvariant()) || IsPlaceholder(value)
        || value.Contains("password", StringComparison.OrdinalIgnoreCase) || value.Contains("changeme", StringComparison.OrdinalIgnoreCase)
        || value.Contains("example", StringComparison.OrdinalIgnoreCase);

    /// <summary>"INSERT YOUR API KEY HERE", "put your token here", "enter-password".</summary>
    [GeneratedRegex(@"(?i)^(insert|put|enter|add|paste|replace|set)\b.*|\byour\b|\bhere$")]
    private static partial Regex PlaceholderPhrase();

    /// <summary>An interpolation (<c>${X}</c>, <c>$X</c>) rather than a literal; an escaped <c>\$</c> is a literal dollar.</summary>
    public static bool IsReference(string value) => Reference().IsMatch(value);

    [GeneratedRegex(@"(?<!\\)\$(\{|\(|[A-Za-z_])")]
    private static partial Regex Reference();

    /// <summary>Shannon entropy of the value in bits per character.</summary>
    public static double EntropyPerChar(string value)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        return value.GroupBy(c => c)
            .Select(group => (double)group.Count() / value.Length)
            .Sum(p => -p * Math.Log2(p));
    }

    /// <summary>An estimate of the value's randomness: length times bits per character.</summary>
    public static double EstimatedBits(string value) => value.Length * EntropyPerChar(value);

    public const int MinimumSecretLength = 32;

    public const double MinimumBitsPerChar = 3.0;

    /// <summary>Long (32+) and varied enough (3+ bits per character: not a word, not a repeated pattern).</summary>
    public static bool IsStrongSecret(string value) =>
        value.Length >= MinimumSecretLength && EntropyPerChar(value) >= MinimumBitsPerChar && !IsPlaceholder(value);

    [GeneratedRegex(@"(^|[_.-])(SECRET|PASSWORD|PASSWD|PASS|PWD|TOKEN|KEY|APIKEY|SALT|PRIVATE|CREDENTIALS?)($|[_.-])", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
