using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DevOpsAgent.Core.Tests.Ssh;

/// <summary>SSH wire encoding (RFC 4251) built by hand, independently of the code under test.</summary>
internal static class SshWireBytes
{
    // ssh-keygen -t ed25519 -C ci@example; ssh-keygen -l prints SHA256:xy3heWs8geEomssgBwVfFZ/vhvj4qFJSOSPi2ob7Ojs for it.
    public static readonly byte[] Ed25519Blob = Convert.FromBase64String("AAAAC3NzaC1lZDI1NTE5AAAAIGi0eXqmdpROV9DyznlweNT2ciYQAMpMqaHjRG0SYHw4");

    private static readonly Lazy<RSAParameters> FixedRsa = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(includePrivateParameters: false);
    });

    /// <summary>One RSA public key per test run, as ssh-rsa's blob.</summary>
    public static byte[] RsaBlob()
    {
        var parameters = FixedRsa.Value;
        // mpints: a leading zero byte keeps a modulus with its high bit set positive.
        return Concat(String("ssh-rsa"), String(parameters.Exponent!), String(Concat([0], parameters.Modulus!)));
    }

    public static byte[] Body(byte type, params byte[][] parts) => Concat([type], Concat(parts));

    public static byte[] Frame(byte[] body) => Concat(UInt32((uint)body.Length), body);

    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] String(byte[] value) => Concat(UInt32((uint)value.Length), value);

    public static byte[] String(string value) => String(Encoding.UTF8.GetBytes(value));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
