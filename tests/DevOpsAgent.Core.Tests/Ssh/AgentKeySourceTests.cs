using System.Security.Cryptography;
using DevOpsAgent.Infrastructure.Ssh.Agent;
using static DevOpsAgent.Core.Tests.Ssh.SshWireBytes;

namespace DevOpsAgent.Core.Tests.Ssh;

/// <summary>Which signature algorithms an agent's key is offered under, and that SSH.NET sends its exact public key.</summary>
public sealed class AgentKeySourceTests
{
    private readonly SshAgentClient _agent = new("/nonexistent/agent.sock");

    [Fact]
    public void Rsa_keys_are_offered_for_sha2_512_then_sha2_256_and_keep_their_exact_public_blob()
    {
        var source = AgentKeySource.TryCreate(_agent, new AgentIdentity(RsaBlob(), "rsa"));

        Assert.NotNull(source);
        Assert.Equal(["rsa-sha2-512", "rsa-sha2-256"], source.HostKeyAlgorithms.Select(algorithm => algorithm.Name));
        Assert.All(source.HostKeyAlgorithms, algorithm => Assert.Equal(RsaBlob(), algorithm.Data));
    }

    [Theory]
    [InlineData("nistp256")]
    [InlineData("nistp384")]
    [InlineData("nistp521")]
    public void Ecdsa_keys_are_offered_under_their_curves_name(string curve)
    {
        using var ecdsa = ECDsa.Create(curve switch
        {
            "nistp256" => ECCurve.NamedCurves.nistP256,
            "nistp384" => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        });
        var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        var blob = Concat(String($"ecdsa-sha2-{curve}"), String(curve), String(Concat([4], point.X!, point.Y!)));

        var source = AgentKeySource.TryCreate(_agent, new AgentIdentity(blob, curve));

        Assert.NotNull(source);
        Assert.Equal($"ecdsa-sha2-{curve}", Assert.Single(source.HostKeyAlgorithms).Name);
        Assert.Equal(blob, source.HostKeyAlgorithms.Single().Data);
    }

    [Fact]
    public void Ed25519_keys_are_offered_as_such_and_certificates_are_skipped()
    {
        var certificate = Concat(String("ssh-ed25519-cert-v01@openssh.com"), String(new byte[32]));

        var ed25519 = AgentKeySource.TryCreate(_agent, new AgentIdentity(Ed25519Blob, "ed"));

        Assert.Equal(["ssh-ed25519"], ed25519!.HostKeyAlgorithms.Select(algorithm => algorithm.Name));
        Assert.Equal(Ed25519Blob, ed25519.HostKeyAlgorithms.Single().Data);
        Assert.Null(AgentKeySource.TryCreate(_agent, new AgentIdentity(certificate, "cert")));
    }
}
