using System.Security.Cryptography;
using System.Text;
using DevOpsAgent.Core.Ssh;

namespace DevOpsAgent.Core.Tests.Ssh;

public sealed class KnownHostsTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("the-real-host-key");
    private static readonly byte[] OtherKey = Encoding.ASCII.GetBytes("an-attacker-key");
    private static readonly string Encoded = Convert.ToBase64String(Key);

    [Fact]
    public void A_listed_key_on_a_non_default_port_is_trusted() =>
        Assert.Equal(HostKeyVerdict.Trusted, KnownHosts.Parse($"[127.0.0.1]:2222 ssh-ed25519 {Encoded}\n").Verify("127.0.0.1", 2222, "ssh-ed25519", Key));

    [Fact]
    public void The_same_host_on_another_port_is_unknown() =>
        Assert.Equal(HostKeyVerdict.Unknown, KnownHosts.Parse($"[127.0.0.1]:2222 ssh-ed25519 {Encoded}\n").Verify("127.0.0.1", 2223, "ssh-ed25519", Key));

    [Fact]
    public void A_different_key_of_the_same_type_is_a_changed_key() =>
        Assert.Equal(HostKeyVerdict.Changed, KnownHosts.Parse($"staging.example.com ssh-ed25519 {Encoded}\n").Verify("staging.example.com", 22, "ssh-ed25519", OtherKey));

    [Fact]
    public void Hashed_host_names_match()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[10.0.0.5]:2200"));
        var line = $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {Encoded}";
        Assert.Equal(HostKeyVerdict.Trusted, KnownHosts.Parse(line).Verify("10.0.0.5", 2200, "ssh-ed25519", Key));
        Assert.Equal(HostKeyVerdict.Unknown, KnownHosts.Parse(line).Verify("10.0.0.6", 2200, "ssh-ed25519", Key));
    }

    [Fact]
    public void Wildcards_and_negations_follow_ssh()
    {
        var known = KnownHosts.Parse($"*.example.com,!evil.example.com ssh-ed25519 {Encoded}");
        Assert.Equal(HostKeyVerdict.Trusted, known.Verify("web1.example.com", 22, "ssh-ed25519", Key));
        Assert.Equal(HostKeyVerdict.Unknown, known.Verify("evil.example.com", 22, "ssh-ed25519", Key));
    }

    [Fact]
    public void A_revoked_key_is_refused_even_when_also_listed() =>
        Assert.Equal(
            HostKeyVerdict.Revoked,
            KnownHosts.Parse($"@revoked * ssh-ed25519 {Encoded}\nhost ssh-ed25519 {Encoded}\n").Verify("host", 22, "ssh-ed25519", Key));

    [Fact]
    public void Comments_blank_lines_and_other_key_types_are_ignored() =>
        Assert.Equal(
            HostKeyVerdict.Unknown,
            KnownHosts.Parse($"# comment\n\nhost ssh-rsa {Convert.ToBase64String(OtherKey)}\n").Verify("host", 22, "ssh-ed25519", Key));
}
