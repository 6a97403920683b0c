using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class MessageParserTests
{
    [Theory]
    [InlineData("DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging", MessageMode.Execute, "TASK-045", "Deploy feature to staging")]
    [InlineData("DevOps Agent [CONSULT]: staging status", MessageMode.Consult, null, "staging status")]
    [InlineData("devops agent [execute task-045]: deploy feature to staging", MessageMode.Execute, "TASK-045", "deploy feature to staging")]
    [InlineData("  DevOps   Agent[ EXECUTE   TASK-045 ] :   Deploy\tfeature  to staging.  ", MessageMode.Execute, "TASK-045", "Deploy feature to staging")]
    [InlineData("[EXECUTE TASK-7]: restart staging", MessageMode.Execute, "TASK-7", "restart staging")]
    [InlineData("[CONSULT] last production deploy?", MessageMode.Consult, null, "last production deploy")]
    [InlineData("DevOps-Agent [QUERY]: what is deployed where", MessageMode.Consult, null, "what is deployed where")]
    [InlineData("DEVOPS [CONSULT]: staging status", MessageMode.Consult, null, "staging status")]
    [InlineData("staging status", MessageMode.Consult, null, "staging status")]
    [InlineData("DevOps Agent [CONSULT] - staging status", MessageMode.Consult, null, "staging status")]
    [InlineData("DevOps Agent [EXECUTE TASK-045] \u2014 Deploy feature to staging", MessageMode.Execute, "TASK-045", "Deploy feature to staging")]
    [InlineData("DevOps Agent: [CONSULT] staging status", MessageMode.Consult, null, "staging status")]
    [InlineData("\"DevOps Agent [CONSULT]: staging status\"", MessageMode.Consult, null, "staging status")]
    [InlineData("DevOps Agent [CONSULT]: \u201Cstaging status?\u201D", MessageMode.Consult, null, "staging status")]
    [InlineData("DevOps Agent [CONSULT]: what\u2019s deployed where", MessageMode.Consult, null, "what's deployed where")]
    [InlineData("DevOps Agent [CONSULT]: \"staging status'", MessageMode.Consult, null, "\"staging status'")]
    public void The_seeds_messages_and_their_variants_are_understood(string text, MessageMode mode, string? task, string body)
    {
        Assert.Equal(new AgentMessage(mode, task, body), MessageParser.Parse(text));
    }

    [Theory]
    [InlineData("Database Agent [CONSULT]: migrations needed for TASK-045?", "Database Agent")]
    [InlineData("QA Agent [EXECUTE TASK-045]: validate TASK-045 on staging", "QA Agent")]
    [InlineData("Orchestrator [CONSULT]: staging status", "Orchestrator")]
    public void A_message_for_another_agent_is_refused_and_says_so(string text, string agent)
    {
        var error = Assert.Throws<RefusedException>(() => MessageParser.Parse(text));

        Assert.Equal(ExitCodes.Refused, error.ExitCode);
        Assert.StartsWith($"This message is addressed to {agent}, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DevOps Agent [EXECUTE]: Deploy feature to staging", "names its task")]
    [InlineData("DevOps Agent [DELETE TASK-1]: everything", "Unknown mode 'DELETE'")]
    public void A_malformed_header_is_refused(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<RefusedException>(() => MessageParser.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_refuses_a_message_without_a_header_and_a_consultation()
    {
        Assert.Contains("names its task", Assert.Throws<RefusedException>(() => MessageParser.Parse("deploy to staging", MessageMode.Execute)).Message, StringComparison.Ordinal);
        Assert.Contains("`devops-agent execute` takes EXECUTE messages only",
            Assert.Throws<RefusedException>(() => MessageParser.Parse("[CONSULT]: staging status", MessageMode.Execute)).Message, StringComparison.Ordinal);
        Assert.Contains("`devops-agent consult` takes CONSULT messages only",
            Assert.Throws<RefusedException>(() => MessageParser.Parse("[EXECUTE TASK-1]: restart staging", MessageMode.Consult)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "The message is empty.")]
    [InlineData("   \t ", "The message is empty.")]
    [InlineData("[EXECUTE TASK-045]: deploy feature to staging\nrm -rf /", "one line (a line break at column 46)")]
    [InlineData("[EXECUTE TASK-045]: deploy feature to staging\r\n[EXECUTE TASK-046]: deploy v1 to production", "one line")]
    [InlineData("[EXECUTE TASK-045]: deploy feature to staging\u2028more", "one line")]
    [InlineData("[EXECUTE TASK-045]: deploy v1.0.0\u0000 to staging", "the control character U+0000")]
    [InlineData("[EXECUTE TASK-045]: deploy v1.0.0 to \u0455taging", "the non-ASCII character 'ѕ' (U+0455)")]
    [InlineData("DevOps Agent \uFF3BEXECUTE TASK-045\uFF3D: deploy feature to staging", "U+FF3B")]
    [InlineData("[EXECUTE TASK-045]: deploy v1\u200B to staging", "U+200B")]
    [InlineData("[EXECUTE TASK-045;rm]: deploy feature to staging", "Invalid task id 'TASK-045;rm'")]
    [InlineData("[EXECUTE $(id)]: deploy feature to staging", "Invalid task id '$(id)'")]
    [InlineData("[EXECUTE TASK-045]:   ", "nothing after its header")]
    public void Hostile_or_malformed_text_is_refused_as_invalid_input(string text, string reason)
    {
        var error = Assert.Throws<InvalidInputException>(() => MessageParser.Parse(text));

        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_message_is_refused()
    {
        Assert.Throws<InvalidInputException>(() => MessageParser.Parse("[CONSULT]: " + new string('a', MessageParser.MaxLength)));
    }
}
