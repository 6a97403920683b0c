using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class QuestionParserTests
{
    private static readonly string[] Configured = ["staging", "production"];

    private static Question Ask(string text) => QuestionParser.Parse(MessageParser.Parse(text), Configured);

    public static TheoryData<string, Question> Understood => new()
    {
        { "DevOps Agent [CONSULT]: staging status", new StatusQuestion("staging") },
        { "status of production", new StatusQuestion("production") },
        { "is Staging healthy?", new StatusQuestion("staging") },
        { "DevOps Agent [CONSULT]: required environment variables", new RequiredVariablesQuestion(null) },
        { "which env vars are required on production", new RequiredVariablesQuestion("production") },
        { "DevOps Agent [CONSULT]: last production deploy", new LastDeployQuestion("production") },
        { "last deployment to staging", new LastDeployQuestion("staging") },
        { "migration status staging", new MigrationStatusQuestion("staging") },
        { "production migrations status", new MigrationStatusQuestion("production") },
        { "DevOps Agent [CONSULT]: migrations needed for TASK-045?", new MigrationsNeededQuestion("TASK-045") },
        { "what is deployed where?", new DeployedWhereQuestion() },
        { "What's deployed where", new DeployedWhereQuestion() },
        { "preflight TASK-45", new PreflightQuestion("TASK-45") },
        { "pre-flight for task-45", new PreflightQuestion("TASK-45") },
        { "logs staging", new LogsQuestion("staging", null) },
        { "logs production backend", new LogsQuestion("production", "backend") },
        { "staging logs", new LogsQuestion("staging", null) },
    };

    [Theory]
    [MemberData(nameof(Understood))]
    public void The_supported_questions_are_understood(string text, Question expected)
    {
        Assert.Equal(expected, Ask(text));
    }

    [Theory]
    [InlineData("what is the meaning of life")]
    [InlineData("delete staging")]
    [InlineData("status")]
    public void An_unknown_question_lists_the_supported_ones(string text)
    {
        var error = Assert.Throws<RefusedException>(() => Ask(text));

        Assert.StartsWith($"Not a question DevOps Agent answers: '{text}'. Ask: <environment> status; required environment variables", error.Message, StringComparison.Ordinal);
        Assert.Contains("what is deployed where; preflight TASK-n; logs <environment> [service].", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logs staging $(reboot)", "Invalid service name '$(reboot)'")]
    [InlineData("preflight TASK-1;ls", "Invalid task id 'TASK-1;ls'")]
    [InlineData("dev status", "No environment 'dev'")]
    [InlineData("last `id` deploy", "No environment '`id`'")]
    public void Values_in_a_question_are_validated(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<InvalidInputException>(() => Ask(text)).Message, StringComparison.Ordinal);
    }
}
