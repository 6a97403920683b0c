using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// Token formats recognised by their own shape, after gitleaks' rules: each has a cheap keyword that must
/// be on the line before its expression runs, and documented example values are allowed.
/// </summary>
internal static partial class SecretRules
{
    /// <summary>A rule runs its expression only on a line that holds one of its keywords (a vectorized search).</summary>
    internal sealed record Rule(string Id, string What, string[] Keywords, Regex Pattern)
    {
        public Rule(string id, string what, string keyword, Regex pattern)
            : this(id, what, [keyword], pattern)
        {
        }

        public bool MayMatch(string line)
        {
            foreach (var keyword in Keywords)
            {
                if (line.Contains(keyword, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public static readonly Rule[] All =
    [
        new("secret-private-key", "a private key", "PRIVATE KEY", PrivateKey()),
        new("secret-aws-key", "an AWS access key id", ["AKIA", "ASIA"], AwsKey()),
        new("secret-github-token", "a GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], GitHubToken()),
        new("secret-gitlab-token", "a GitLab token", ["glpat-", "glptt-", "gldt-", "glrt-", "glsoat-"], GitLabToken()),
        new("secret-slack-token", "a Slack token", "xox", SlackToken()),
        new("secret-slack-webhook", "a Slack webhook URL", "hooks.slack.com", SlackWebhook()),
        new("secret-stripe-key", "a Stripe secret key", ["k_live_", "k_test_"], StripeKey()),
        new("secret-google-api-key", "a Google API key", "AIza", GoogleKey()),
        new("secret-gcp-service-account", "a GCP service account key", "private_key_id", GcpServiceAccount()),
        new("secret-npm-token", "an npm token", "npm_", NpmToken()),
        new("secret-telegram-token", "a Telegram bot token", ":AA", TelegramToken()),
        new("secret-sendgrid-key", "a SendGrid API key", "SG.", SendGridKey()),
        new("secret-jwt", "a JSON Web Token", "eyJ", Jwt()),
    ];

    /// <summary>Every rule's keywords in one multi-string search: a file or line without any skips every rule.</summary>
    public static readonly System.Buffers.SearchValues<string> AnyKeyword =
        System.Buffers.SearchValues.Create([.. All.SelectMany(r => r.Keywords).Distinct()], StringComparison.Ordinal);

    /// <summary>Values published in vendors' documentation as examples (AWS, Stripe, jwt.io).</summary>
    private static readonly string[] DocumentedExamples =
    [
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    ];

    public static bool IsDocumentedExample(string value) =>
        DocumentedExamples.Any(example => value.Contains(example, StringComparison.Ordinal))
        || value.EndsWith("EXAMPLE", StringComparison.Ordinal) || ExampleRun().IsMatch(value);

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\b(?:glpat|glptt|gldt|glrt|glsoat)-[A-Za-z0-9_-]{20,}\b")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"\bxox[abprse]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,60}")]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}\b")]
    private static partial Regex GoogleKey();

    [GeneratedRegex(@"""private_key_id""\s*:\s*""[a-f0-9]{40}""")]
    private static partial Regex GcpServiceAccount();

    [GeneratedRegex(@"\bnpm_[A-Za-z0-9]{36}\b")]
    private static partial Regex NpmToken();

    [GeneratedRegex(@"\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b")]
    private static partial Regex TelegramToken();

    [GeneratedRegex(@"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b")]
    private static partial Regex SendGridKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}")]
    private static partial Regex Jwt();

    /// <summary>XXXX…, 0000…, abcdef… filler in the body of a token.</summary>
    [GeneratedRegex(@"(?i)(x{8,}|0{8,}|1234567890|abcdefgh|\*{6,})")]
    private static partial Regex ExampleRun();
}
