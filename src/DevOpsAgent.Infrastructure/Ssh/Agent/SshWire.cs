using System.Buffers.Binary;
using System.Text;

namespace DevOpsAgent.Infrastructure.Ssh.Agent;

/// <summary>Reads RFC 4251 data types (byte, uint32, string) from one agent message; anything short is malformed.</summary>
internal ref struct SshWireReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool AtEnd => _rest.IsEmpty;

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> ReadString()
    {
        var length = ReadUInt32();
        return length <= (uint)_rest.Length ? Take((int)length) : throw Malformed($"a string of {length} bytes where {_rest.Length} remain");
    }

    public string ReadUtf8() => Encoding.UTF8.GetString(ReadString());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_rest.Length < count)
        {
            throw Malformed("it ends early");
        }

        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }

    public static SshAgentException Malformed(string why) => new($"The ssh-agent's answer is malformed: {why}.");
}

/// <summary>Writes RFC 4251 data types into one agent message.</summary>
internal sealed class SshWireWriter
{
    private readonly MemoryStream _buffer = new();

    public SshWireWriter Byte(byte value)
    {
        _buffer.WriteByte(value);
        return this;
    }

    public SshWireWriter UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public SshWireWriter String(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        _buffer.Write(value);
        return this;
    }

    public SshWireWriter String(string value) => String(Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _buffer.ToArray();
}
