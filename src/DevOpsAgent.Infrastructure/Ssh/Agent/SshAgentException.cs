namespace DevOpsAgent.Infrastructure.Ssh.Agent;

/// <summary>The ssh-agent could not be reached, refused a request or answered something malformed.</summary>
public sealed class SshAgentException(string message, Exception? innerException = null, bool refused = false) : Exception(message, innerException)
{
    /// <summary>The agent answered SSH_AGENT_FAILURE (a locked agent, a key that needs confirming, an unknown key).</summary>
    public bool Refused { get; } = refused;
}
