using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Dashboard;

namespace DevOpsAgent.Core.Tests.Dashboard;

public sealed class DashboardTests
{
    private const string Secret = "s3cret-token-0123456789";

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused_with_a_named_exit_code()
    {
        var error = Assert.Throws<DevOpsAgentException>(() => DashboardBinding.Parse("0.0.0.0:8470").RequireTokenUnlessLoopback(null));
        Assert.Equal(ExitCodes.Refused, error.ExitCode);
        DashboardBinding.Parse("127.0.0.1:8470").RequireTokenUnlessLoopback(null);
        DashboardBinding.Parse("0.0.0.0:8470").RequireTokenUnlessLoopback(DashboardToken.Parse(Secret, "test"));
    }

    [Theory]
    [InlineData("8470")]
    [InlineData("localhost:8470")]
    [InlineData("127.0.0.1:99999")]
    public void A_bind_that_is_not_an_address_and_port_is_a_usage_error(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<UsageException>(() => DashboardBinding.Parse(text)).ExitCode);

    [Fact]
    public void The_token_matches_only_itself_and_never_prints()
    {
        var token = DashboardToken.Parse(Secret + "\n", "test");
        Assert.True(token.Matches(Secret));
        Assert.False(token.Matches(Secret + "x"));
        Assert.False(token.Matches(null));
        Assert.True(token.MatchesCookie(token.CookieValue));
        Assert.False(token.MatchesCookie(Secret));
        Assert.DoesNotContain(Secret, token.ToString());
        Assert.DoesNotContain(Secret, token.CookieValue);
        Assert.Throws<DevOpsAgentException>(() => DashboardToken.Parse("short", "test"));
    }

    [Fact]
    public void A_deploy_page_shows_its_steps_as_bars_its_outcome_and_pre_flight_with_everything_encoded()
    {
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var record = new DeployRecord
        {
            Id = "d1", Environment = "staging", Ref = "v1.1.0", Version = "v1.1.0", StartedBy = "me@box", StartedAt = at,
            FinishedAt = at.AddSeconds(30), Outcome = DeployOutcome.Failed, Error = "health <script>",
            RevisionBefore = "a1", RevisionAfter = "b2",
            Steps = [new StepRecord("build", at, TimeSpan.FromSeconds(20), StepOutcome.Succeeded, ""), new StepRecord("up", at, TimeSpan.FromSeconds(10), StepOutcome.Failed, "boom")],
            Preflight = [new PreflightItem("tested on staging", true, "v1.1.0 healthy")],
        };
        var html = Pages.Detail(record);
        Assert.Equal(2, html.Split("class=\"bar\"").Length - 1);
        Assert.Contains("width=\"520\"", html);
        Assert.Contains("width=\"260\"", html);
        Assert.Contains("health &lt;script&gt;", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("tested on staging", html);
        Assert.Contains("<code>a1</code> → <code>b2</code>", html);
    }

    [Fact]
    public void A_refused_rollback_form_comes_back_with_its_release_and_task_encoded_the_error_shown_and_the_confirmation_empty()
    {
        var staging = Tests.Protocol.ProtocolFakes.Config.Environment("staging");

        var html = Pages.RollbackForm(staging, "CSRF", "not confirmed: type the environment's name (staging) to roll it back", taskRequired: true,
            release: "v1.0.0\"><script>", task: "TASK-045");

        Assert.Contains("<div class=\"error\">not confirmed: type the environment&#39;s name (staging) to roll it back</div>", html);
        Assert.Contains("<input name=\"to\" id=\"to\" value=\"v1.0.0&quot;&gt;&lt;script&gt;\">", html);
        Assert.Contains("<input name=\"task\" id=\"task\" placeholder=\"TASK-001\" value=\"TASK-045\" required>", html);
        Assert.Contains("<input name=\"confirm\" id=\"confirm\" autocomplete=\"off\" required>", html);
        Assert.DoesNotContain("\"><script>", html);
        var fresh = Pages.RollbackForm(staging, "CSRF", null);
        Assert.Contains("<input name=\"to\" id=\"to\" value=\"\">", fresh);
        Assert.Contains("<input name=\"task\" id=\"task\" placeholder=\"TASK-001\" value=\"\">", fresh);
        Assert.DoesNotContain("class=\"error\"", fresh);
    }

    [Fact]
    public void An_unexpected_error_reaches_the_page_as_one_line_without_its_message()
    {
        Assert.Equal("internal error (InvalidOperationException); run the CLI with --verbose for details", DashboardErrors.OneLine(new InvalidOperationException("password=hunter2")));
        Assert.Equal("no such thing", DashboardErrors.OneLine(new InvalidInputException("no such thing\n  at Foo()")));
    }
}
