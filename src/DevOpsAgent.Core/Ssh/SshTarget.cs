namespace DevOpsAgent.Core.Ssh;

/// <summary>How to reach one server over SSH.</summary>
public sealed record SshTarget
{
    public required string Host { get; init; }

    public int Port { get; init; } = 22;

    public required string User { get; init; }

    /// <summary>Private key file; null means ~/.ssh/id_ed25519, then ~/.ssh/id_ecdsa, then ~/.ssh/id_rsa.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>
    /// The ssh-agent's socket, whose keys are offered when no identity file is set (before the default key
    /// files); null means $SSH_AUTH_SOCK.
    /// </summary>
    public string? AgentSocket { get; init; }

    /// <summary>known_hosts file; null means ~/.ssh/known_hosts.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>Like ssh's StrictHostKeyChecking=accept-new: remember an unknown key. A changed key is never accepted.</summary>
    public bool AcceptNewHostKey { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public override string ToString() => $"{User}@{Host}:{Port}";
}
