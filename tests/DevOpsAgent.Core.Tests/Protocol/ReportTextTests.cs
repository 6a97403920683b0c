using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class ReportTextTests
{
    [Fact]
    public void A_refused_report_shows_text_from_the_state_file_and_the_server_with_hidden_characters_escaped()
    {
        var at = new DateTimeOffset(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);
        var report = new ExecutionReport
        {
            Message = "DevOps Agent [EXECUTE TASK-050]: Deploy feature to staging",
            Task = "TASK-050",
            TaskTitle = "Login \u202Egnigats",
            Action = "deploy",
            Environment = "staging",
            Outcome = ReportOutcome.Refused,
            Reason = "TASK-050 is assigned to QA\u001b[2J, not to DevOps Agent; nothing was done.",
            Migrations = new ReportMigrations(true, "0001", "0001", "0001 \u2192 0002: 1 pending (0002 add\u200B description)"),
            StartedAt = at,
            FinishedAt = at,
            NextStep = "none",
            ExitCode = 9,
        };

        var lines = ReportText.Render(report).Split('\n');

        Assert.Equal("TASK-050 deploy on staging: REFUSED (0.0s) \u2014 Login \\u{202E}gnigats", lines[0]);
        Assert.Equal("  Reason:     TASK-050 is assigned to QA\\u{001B}[2J, not to DevOps Agent; nothing was done.", lines[1]);
        Assert.Equal("  Migrations: 0001 \u2192 0002: 1 pending (0002 add\\u{200B} description)", lines[2]);
    }
}
