using DevOpsAgent.Core.Quality;
using static DevOpsAgent.Core.Tests.RealProjects.Project;

namespace DevOpsAgent.Core.Tests.RealProjects;

public sealed class SecretClassesTests
{
    // Token-shaped strings are assembled at run time so that this file itself holds none.
    private static string Repeat(string alphabet, int length) => string.Concat(Enumerable.Range(0, length).Select(i => alphabet[(i * 7 + 3) % alphabet.Length]));

    private const string Mixed = "aZ3kQ9mX2pL7vB4nR8tW1yC6dF5gH0jK";

    public static TheoryData<string, string, string> Tokens => new()
    {
        { ".npmrc", "//registry.npmjs.org/:_authToken=npm_" + Repeat(Mixed, 36), "secret-npm-token" },
        { "app/auth.py", "TOKEN = \"eyJ" + Repeat(Mixed, 20) + ".eyJ" + Repeat(Mixed, 30) + "." + Repeat(Mixed, 24) + "\"", "secret-jwt" },
        { "notify.js", "const hook = 'https://hooks.slack.com/services/T" + Repeat("ABCDEFGH0123", 8) + "/B" + Repeat("ABCDEFGH0123", 8) + "/" + Repeat(Mixed, 24) + "'", "secret-slack-webhook" },
        { "ci.sh", "export GL=glpat-" + Repeat(Mixed, 20), "secret-gitlab-token" },
        { "deploy.sh", "TOKEN=ghp_" + Repeat(Mixed, 36), "secret-github-token" },
        { "pay.py", "stripe.api_key = \"sk_live_" + Repeat(Mixed, 24) + "\"", "secret-stripe-key" },
        { "bot.py", "BOT = \"123456789:AA" + Repeat(Mixed, 33) + "\"", "secret-telegram-token" },
        { "gcp.json", "  \"private_key_id\": \"" + Repeat("0123456789abcdef", 40) + "\",", "secret-gcp-service-account" },
        { "deploy/key.pem", "-----BEGIN OPENSSH PRIVATE KEY-----", "secret-private-key" },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public void Real_token_formats_are_found_by_their_own_pattern_and_never_printed(string path, string line, string rule)
    {
        var finding = Assert.Single(SecretScan.Run(Of((path, line + "\n"))));

        Assert.Equal(rule, finding.RuleId);
        Assert.DoesNotContain(line.Length > 40 ? line[^20..] : "-----BEGIN", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app/config.py", "AWS_ACCESS_KEY_ID = \"AKIAIOSFODNN7EXAMPLE\"")]
    [InlineData("docker-compose.yml", "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password")]
    [InlineData("app/models.py", "    owner_id: int = Field(foreign_key=\"user.id\", nullable=False)")]
    [InlineData("app/models.py", "    password: str | None = None")]
    [InlineData("src/types.ts", "  password: string | null")]
    [InlineData("backend/tests/test_login.py", "    password = \"password123!x\"")]
    [InlineData(".github/workflows/ci.yml", "          POSTGRES_PASSWORD: ci-only-9f8e7d")]
    [InlineData("docs/setup.md", "DATABASE_URL=postgresql://app:app@localhost/app")]
    [InlineData("docker-compose.yml", "      AWS_SECRET_ACCESS_KEY: \"INSERT YOUR AWS SECRET ACCESS KEY HERE\"")]
    public void Documented_examples_references_types_orm_arguments_and_test_credentials_are_not_secrets(string path, string line) =>
        Assert.Empty(SecretScan.Run(Of((path, line + "\n"))));

    [Fact]
    public void Lockfiles_are_not_scanned()
    {
        var integrity = "sha512-" + Repeat(Mixed, 80);
        Assert.Empty(SecretScan.Run(Of(("package-lock.json", $"      \"integrity\": \"{integrity}\",\n      \"token\": \"{Repeat(Mixed, 30)}\"\n"))));
    }

    [Fact]
    public void A_tracked_template_is_never_a_leaked_env_file()
    {
        var findings = Check((".env.example", "SECRET_KEY=\nPOSTGRES_PASSWORD=changethis\n"), ("frontend/.env.sample", "VITE_API_URL=http://localhost\n"));

        Assert.DoesNotContain(findings, f => f.RuleId.StartsWith("secret-", StringComparison.Ordinal) || f.RuleId.StartsWith("env-committed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_committed_env_of_placeholders_is_a_warning_and_one_with_a_real_secret_an_error()
    {
        var placeholders = Check((".env", "SECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\n"), ("compose.yaml", "services: {}\n"));
        var leaked = Check(("docker/server.env", "SECRET_KEY=" + Repeat(Mixed, 32) + "\n"), ("compose.yaml", "services: {}\n"));

        Assert.Equal(["env-committed-placeholder warning"], placeholders.Where(f => f.File == ".env").Select(f => $"{f.RuleId} {f.Severity.ToString().ToLowerInvariant()}"));
        Assert.Contains(leaked, f => f.RuleId == "secret-tracked-env" && f.File == "docker/server.env" && f.Severity == Severity.Error);
        Assert.DoesNotContain(leaked, f => f.Message.Contains(Repeat(Mixed, 32), StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_that_falls_back_to_a_literal_in_compose_is_a_finding()
    {
        var findings = Check(("compose.yaml", """
            services:
              grafana:
                image: grafana/grafana
                healthcheck: { test: ["CMD", "true"] }
                environment:
                  GF_SECURITY_ADMIN_PASSWORD: ${ADMIN_PASSWORD:-admin}
                  SMTP_PASSWORD: ${SMTP_PASSWORD:-}
            """));

        Assert.Equal(["compose.yaml:6 error compose-fallback-secret"], Summaries(findings));
    }

    [Fact]
    public void A_default_password_in_code_that_reads_the_environment_is_a_finding()
    {
        var findings = SecretScan.Run(Of(("server/settings.py", "        'PASSWORD': os.environ.get(\"POSTGRES_PASSWORD\",\"Qx7tin.4r\"),\n")));

        Assert.Equal("secret-fallback", Assert.Single(findings).RuleId);
    }
}
