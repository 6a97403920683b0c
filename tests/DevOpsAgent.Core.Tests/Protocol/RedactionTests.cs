using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("connect to postgresql://shop:hunter2@db:5432/shop failed", "connect to postgresql://shop:***@db:5432/shop failed")]
    [InlineData("SECRET_KEY=abc123 APP_ENV=staging", "SECRET_KEY=*** APP_ENV=staging")]
    [InlineData("db_password: s3cret, user: shop", "db_password: ***, user: shop")]
    [InlineData("API_TOKEN = xyz;", "API_TOKEN = ***;")]
    [InlineData("SECRET_KEY (required): docker-compose.prod.yml:6", "SECRET_KEY (required): docker-compose.prod.yml:6")]
    [InlineData("{\"name\": \"SECRET_KEY\", \"missing\": [\"POSTGRES_PASSWORD\"]}", "{\"name\": \"SECRET_KEY\", \"missing\": [\"POSTGRES_PASSWORD\"]}")]
    public void Secrets_in_quoted_server_text_are_masked_and_names_are_kept(string text, string expected)
    {
        Assert.Equal(expected, Redaction.Redact(text));
    }

    [Fact]
    public void A_report_never_carries_a_secret_that_reached_its_reason()
    {
        var report = new ExecutionReport
        {
            Message = "m", Action = "deploy", Environment = "staging", Outcome = ReportOutcome.Failed, Reason = "`up` failed: DATABASE_URL=postgresql://u:canary-1@db/x",
            StartedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch, NextStep = "n", ExitCode = 6,
        };

        Assert.DoesNotContain("canary-1", report.ToJson() + ReportText.Render(report), StringComparison.Ordinal);
    }
}
