using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DevOpsAgent.Infrastructure.Ssh.Agent;

/// <summary>Signature flags of SSH_AGENTC_SIGN_REQUEST: which hash an RSA key signs with (SHA-1 when none).</summary>
[Flags]
public enum AgentSignFlags : uint
{
    None = 0,
    RsaSha256 = 2,
    RsaSha512 = 4,
}

/// <summary>One key the agent holds: its public key blob (RFC 4253 encoding) and the comment ssh-add gave it.</summary>
public sealed record AgentIdentity(byte[] PublicKeyBlob, string Comment)
{
    /// <summary>The blob's key type: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, a certificate type …</summary>
    public string KeyType { get; } = new SshWireReader(PublicKeyBlob).ReadUtf8();

    /// <summary>As ssh-keygen -l prints it; safe to show (it is a hash of the public key).</summary>
    public string Fingerprint => $"SHA256:{Convert.ToBase64String(SHA256.HashData(PublicKeyBlob)).TrimEnd('=')}";

    public override string ToString() => $"{KeyType} {Fingerprint}";
}

/// <summary>A signature as the agent returns it: its format (ssh-ed25519, rsa-sha2-512 …) and the whole encoding.</summary>
public sealed record AgentSignature(string Format, byte[] Encoded);

/// <summary>
/// The ssh-agent protocol (draft-miller-ssh-agent) as byte arrays, without I/O: every message is a uint32
/// length, then a type byte and its contents in SSH wire encoding.
/// </summary>
public static class SshAgentProtocol
{
    public const byte Failure = 5;
    public const byte RequestIdentities = 11;
    public const byte IdentitiesAnswer = 12;
    public const byte SignRequest = 13;
    public const byte SignResponse = 14;

    /// <summary>OpenSSH's agent sends nothing longer; a bigger length is garbage and must not allocate gigabytes.</summary>
    public const int MaxMessageLength = 256 * 1024;

    public static byte[] RequestIdentitiesMessage() => Frame(new SshWireWriter().Byte(RequestIdentities));

    public static byte[] SignRequestMessage(ReadOnlySpan<byte> publicKeyBlob, ReadOnlySpan<byte> data, AgentSignFlags flags) =>
        Frame(new SshWireWriter().Byte(SignRequest).String(publicKeyBlob).String(data).UInt32((uint)flags));

    /// <summary>The length in a message's first four bytes: how many bytes (type and contents) follow.</summary>
    public static int BodyLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        return length is > 0 and <= MaxMessageLength
            ? (int)length
            : throw SshWireReader.Malformed($"a message of {length} bytes (1 to {MaxMessageLength} expected)");
    }

    /// <summary>Reads one message (its length, then that many bytes) and returns its body: type and contents.</summary>
    public static async Task<byte[]> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await ReadExactlyAsync(stream, header, cancellationToken);
        var body = new byte[BodyLength(header)];
        await ReadExactlyAsync(stream, body, cancellationToken);
        return body;
    }

    /// <inheritdoc cref="ReadMessageAsync"/>
    public static byte[] ReadMessage(Stream stream)
    {
        var header = new byte[4];
        ReadExactly(stream, header);
        var body = new byte[BodyLength(header)];
        ReadExactly(stream, body);
        return body;
    }

    public static IReadOnlyList<AgentIdentity> ParseIdentitiesAnswer(ReadOnlySpan<byte> body)
    {
        var reader = Expect(body, IdentitiesAnswer, "the list of keys");
        var count = reader.ReadUInt32();
        var identities = new List<AgentIdentity>();
        for (var i = 0u; i < count; i++)
        {
            var blob = reader.ReadString().ToArray();
            var comment = reader.ReadUtf8();
            identities.Add(new AgentIdentity(blob, comment));
        }

        return reader.AtEnd ? identities : throw SshWireReader.Malformed($"bytes after the {count} keys announced");
    }

    public static AgentSignature ParseSignResponse(ReadOnlySpan<byte> body)
    {
        var reader = Expect(body, SignResponse, "a signature");
        var encoded = reader.ReadString();
        if (!reader.AtEnd)
        {
            throw SshWireReader.Malformed("bytes after the signature");
        }

        var signature = new SshWireReader(encoded);
        var format = signature.ReadUtf8();
        signature.ReadString();
        return signature.AtEnd ? new AgentSignature(format, encoded.ToArray()) : throw SshWireReader.Malformed("bytes after the signature blob");
    }

    private static SshWireReader Expect(ReadOnlySpan<byte> body, byte type, string what)
    {
        var reader = new SshWireReader(body);
        var actual = reader.ReadByte();
        return actual switch
        {
            _ when actual == type => reader,
            Failure => throw new SshAgentException($"The ssh-agent refused to send {what} (SSH_AGENT_FAILURE).", refused: true),
            _ => throw SshWireReader.Malformed($"message type {actual} where {type} was expected"),
        };
    }

    private static byte[] Frame(SshWireWriter message)
    {
        var body = message.ToArray();
        var framed = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)body.Length);
        body.CopyTo(framed, 4);
        return framed;
    }

    private static void ReadExactly(Stream stream, byte[] buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException error)
        {
            throw ClosedEarly(error);
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException error)
        {
            throw ClosedEarly(error);
        }
    }

    private static SshAgentException ClosedEarly(EndOfStreamException error) =>
        new("The ssh-agent closed the connection in the middle of an answer.", error);
}
