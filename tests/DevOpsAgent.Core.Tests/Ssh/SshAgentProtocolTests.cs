using DevOpsAgent.Infrastructure.Ssh.Agent;
using static DevOpsAgent.Core.Tests.Ssh.SshWireBytes;

namespace DevOpsAgent.Core.Tests.Ssh;

/// <summary>The ssh-agent wire protocol (draft-miller-ssh-agent) against byte arrays built by hand.</summary>
public sealed class SshAgentProtocolTests
{
    [Fact]
    public void Asking_for_the_keys_is_one_framed_byte_of_type_11() =>
        Assert.Equal([0, 0, 0, 1, 11], SshAgentProtocol.RequestIdentitiesMessage());

    [Fact]
    public void A_sign_request_carries_the_key_the_data_and_the_rsa_sha2_512_flag()
    {
        var message = SshAgentProtocol.SignRequestMessage([0xAA, 0xBB], [1, 2, 3], AgentSignFlags.RsaSha512);

        Assert.Equal(
            [0, 0, 0, 18, 13, 0, 0, 0, 2, 0xAA, 0xBB, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 4],
            message);
        Assert.Equal(2u, (uint)AgentSignFlags.RsaSha256);
    }

    [Fact]
    public void The_identities_answer_lists_each_key_with_its_comment_type_and_fingerprint()
    {
        var body = Body(12, UInt32(2), String(Ed25519Blob), String("ci@example"), String(SshWireBytes.RsaBlob()), String("déploiement"));

        var identities = SshAgentProtocol.ParseIdentitiesAnswer(body);

        Assert.Equal(["ssh-ed25519", "ssh-rsa"], identities.Select(identity => identity.KeyType));
        Assert.Equal(["ci@example", "déploiement"], identities.Select(identity => identity.Comment));
        Assert.Equal(Ed25519Blob, identities[0].PublicKeyBlob);
        Assert.Equal("ssh-ed25519 SHA256:xy3heWs8geEomssgBwVfFZ/vhvj4qFJSOSPi2ob7Ojs", identities[0].ToString());
    }

    [Fact]
    public void An_agent_without_keys_answers_an_empty_list() =>
        Assert.Empty(SshAgentProtocol.ParseIdentitiesAnswer(Body(12, UInt32(0))));

    [Fact]
    public void A_failure_answer_is_a_refusal()
    {
        var error = Assert.Throws<SshAgentException>(() => SshAgentProtocol.ParseSignResponse([5]));

        Assert.True(error.Refused);
        Assert.Equal("The ssh-agent refused to send a signature (SSH_AGENT_FAILURE).", error.Message);
    }

    [Theory]
    [InlineData("count says two, one follows", "ends early")]
    [InlineData("a string longer than the message", "a string of 1000 bytes where 4 remain")]
    [InlineData("bytes after the last key", "bytes after the 1 keys announced")]
    [InlineData("another message type", "message type 14 where 12 was expected")]
    [InlineData("nothing at all", "ends early")]
    public void A_malformed_identities_answer_is_refused_with_the_reason(string shape, string reason)
    {
        var body = shape switch
        {
            "count says two, one follows" => Body(12, UInt32(2), String(Ed25519Blob), String("one")),
            "a string longer than the message" => Body(12, UInt32(1), UInt32(1000), [1, 2, 3, 4]),
            "bytes after the last key" => Body(12, UInt32(1), String(Ed25519Blob), String("one"), [0]),
            "another message type" => Body(14, UInt32(0)),
            _ => [],
        };

        var error = Assert.Throws<SshAgentException>(() => SshAgentProtocol.ParseIdentitiesAnswer(body));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(error.Refused);
    }

    [Fact]
    public void The_sign_response_gives_the_signature_format_and_its_whole_encoding()
    {
        var signature = Concat(String("rsa-sha2-256"), String([9, 8, 7]));

        var parsed = SshAgentProtocol.ParseSignResponse(Body(14, String(signature)));

        Assert.Equal("rsa-sha2-256", parsed.Format);
        Assert.Equal(signature, parsed.Encoded);
    }

    [Fact]
    public void A_sign_response_whose_signature_blob_is_cut_short_is_malformed() =>
        Assert.Contains("ends early", Assert.Throws<SshAgentException>(
            () => SshAgentProtocol.ParseSignResponse(Body(14, String(String("ssh-ed25519"))))).Message, StringComparison.Ordinal);

    [Fact]
    public async Task Messages_are_read_one_frame_at_a_time()
    {
        using var stream = new MemoryStream(Concat(Frame(Body(12, UInt32(0))), Frame([5])));

        Assert.Equal(Body(12, UInt32(0)), await SshAgentProtocol.ReadMessageAsync(stream, CancellationToken.None));
        Assert.Equal([5], SshAgentProtocol.ReadMessage(stream));
    }

    [Theory]
    [InlineData(0u, "a message of 0 bytes (1 to 262144 expected)")]
    [InlineData(262_145u, "a message of 262145 bytes (1 to 262144 expected)")]
    [InlineData(0xFFFF_FFFFu, "a message of 4294967295 bytes (1 to 262144 expected)")]
    public async Task An_impossible_length_is_refused_before_anything_is_allocated(uint length, string reason)
    {
        using var stream = new MemoryStream(UInt32(length));

        var error = await Assert.ThrowsAsync<SshAgentException>(() => SshAgentProtocol.ReadMessageAsync(stream, CancellationToken.None));

        Assert.Equal($"The ssh-agent's answer is malformed: {reason}.", error.Message);
    }

    [Fact]
    public async Task An_agent_that_hangs_up_mid_message_is_an_error()
    {
        using var stream = new MemoryStream(Concat(UInt32(10), [12, 0, 0]));

        var error = await Assert.ThrowsAsync<SshAgentException>(() => SshAgentProtocol.ReadMessageAsync(stream, CancellationToken.None));

        Assert.Equal("The ssh-agent closed the connection in the middle of an answer.", error.Message);
    }
}
