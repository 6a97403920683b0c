namespace DevOpsAgent.Core.Protocol;

public enum MessageMode
{
    Execute,
    Consult,
}

/// <summary>An Orchestrator message with its header understood: the mode, the task (EXECUTE), and the one-line body.</summary>
public sealed record AgentMessage(MessageMode Mode, string? TaskId, string Body);
