using System.Security.Cryptography;
using Renci.SshNet;
using Renci.SshNet.Security;
using Renci.SshNet.Security.Cryptography;

namespace DevOpsAgent.Infrastructure.Ssh.Agent;

/// <summary>
/// One key the agent holds, as an SSH.NET key source: SSH.NET sees the public key and asks for signatures, which
/// the agent makes. RSA keys are offered as rsa-sha2-512 then rsa-sha2-256 only: SHA-1 signatures (ssh-rsa)
/// are refused by current OpenSSH servers and would only spend one of the server's authentication tries.
/// </summary>
public sealed class AgentKeySource : IPrivateKeySource
{
    private AgentKeySource(AgentIdentity identity, IReadOnlyCollection<HostAlgorithm> algorithms)
    {
        Identity = identity;
        HostKeyAlgorithms = algorithms;
    }

    public AgentIdentity Identity { get; }

    public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

    /// <summary>Null for a key type SSH.NET cannot offer (certificates, security keys, DSA).</summary>
    public static AgentKeySource? TryCreate(SshAgentClient agent, AgentIdentity identity)
    {
        var blob = identity.PublicKeyBlob;
        AgentHostAlgorithm[] algorithms;
        switch (identity.KeyType)
        {
            case "ssh-ed25519":
                var ed25519 = new ED25519Key(new SshKeyData(blob));
                algorithms = [new(agent, identity, "ssh-ed25519", ed25519, new ED25519DigitalSignature(ed25519), AgentSignFlags.None)];
                break;
            case "ssh-rsa":
                var rsa = new RsaKey(new SshKeyData(blob));
                algorithms =
                [
                    new(agent, identity, "rsa-sha2-512", rsa, new RsaDigitalSignature(rsa, HashAlgorithmName.SHA512), AgentSignFlags.RsaSha512),
                    new(agent, identity, "rsa-sha2-256", rsa, new RsaDigitalSignature(rsa, HashAlgorithmName.SHA256), AgentSignFlags.RsaSha256),
                ];
                break;
            case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521":
                var ecdsa = new EcdsaKey(new SshKeyData(blob));
                algorithms = [new(agent, identity, identity.KeyType, ecdsa, new EcdsaDigitalSignature(ecdsa), AgentSignFlags.None)];
                break;
            default:
                return null;
        }

        // SSH.NET re-encodes the public key it sends; the server must see the very key the agent signs with.
        return algorithms.All(algorithm => algorithm.Data.AsSpan().SequenceEqual(blob)) ? new AgentKeySource(identity, algorithms) : null;
    }

    public override string ToString() => $"ssh-agent key {Identity}";

    private sealed class AgentHostAlgorithm(SshAgentClient agent, AgentIdentity identity, string name, Key key, DigitalSignature verifier, AgentSignFlags flags)
        : KeyHostAlgorithm(name, key, verifier)
    {
        public override byte[] Sign(byte[] data)
        {
            AgentSignature signature;
            try
            {
                signature = agent.Sign(identity.PublicKeyBlob, data, flags);
            }
            catch (SshAgentException error) when (error.Refused)
            {
                throw new SshAgentException(
                    $"The ssh-agent at {agent.SocketPath} refused to sign with {identity} ({Name}): is the agent locked (ssh-add -X), or does the key need confirming (ssh-add -c)?",
                    error, refused: true);
            }

            return signature.Format == Name
                ? signature.Encoded
                : throw new SshAgentException($"The ssh-agent at {agent.SocketPath} signed with {signature.Format} where {Name} was asked for.");
        }
    }
}
