using System.Buffers.Binary;
using System.Net;

namespace Gossip.Wire;

/// <summary>
/// An IPv4 or IPv6 address and port as carried on the wire: <c>[family:u8 (4|6)][4 or 16 address bytes][port:u16]</c>.
/// A value type with inline storage, so reading one allocates nothing.
/// </summary>
public readonly struct WireAddress : IEquatable<WireAddress>
{
    private readonly ulong _high;
    private readonly ulong _low;

    private WireAddress(byte family, ulong high, ulong low, ushort port)
    {
        Family = family;
        _high = high;
        _low = low;
        Port = port;
    }

    /// <summary>4 for IPv4, 6 for IPv6, 0 for "none".</summary>
    public byte Family { get; }

    /// <summary>The UDP/TCP port.</summary>
    public ushort Port { get; }

    /// <summary>True when no address is set.</summary>
    public bool IsNone => Family == 0;

    /// <summary>Encoded size in bytes.</summary>
    public int EncodedSize => Family switch { 4 => 7, 6 => 19, _ => 1 };

    /// <summary>Makes an address from an <see cref="IPEndPoint"/>.</summary>
    public static WireAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        endPoint.Address.TryWriteBytes(bytes, out int written);
        return FromBytes(bytes[..written], (ushort)endPoint.Port);
    }

    /// <summary>Makes an address from 4 (IPv4) or 16 (IPv6) bytes and a port.</summary>
    public static WireAddress FromBytes(ReadOnlySpan<byte> address, ushort port)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        address.CopyTo(bytes);
        byte family = address.Length == 4 ? (byte)4 : address.Length == 16 ? (byte)6 : (byte)0;
        return family == 0
            ? default
            : new WireAddress(family, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), port);
    }

    /// <summary>Copies the 4 or 16 address bytes into <paramref name="destination"/> and returns how many were written.</summary>
    public int CopyAddressBytes(Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
        int length = Family == 4 ? 4 : Family == 6 ? 16 : 0;
        bytes[..length].CopyTo(destination);
        return length;
    }

    /// <summary>Converts to an <see cref="IPEndPoint"/> (allocates; not for hot paths).</summary>
    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = CopyAddressBytes(bytes);
        return new IPEndPoint(length == 0 ? IPAddress.None : new IPAddress(bytes[..length]), Port);
    }

    /// <summary>Writes the address; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        Span<byte> bytes = stackalloc byte[16];
        int length = CopyAddressBytes(bytes);
        if (writer.TryWriteByte(Family) && (length == 0 || (writer.TryWriteRaw(bytes[..length]) && writer.TryWriteUInt16(Port))))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an address; a family other than 0, 4 or 6 is <see cref="WireStatus.Malformed"/>.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out WireAddress address)
    {
        address = default;
        WireStatus status = reader.TryReadByte(out byte family);
        if (status != WireStatus.Ok || family == 0)
        {
            return status;
        }

        if (family is not (4 or 6))
        {
            return WireStatus.Malformed;
        }

        if ((status = reader.TryReadRaw(family == 4 ? 4 : 16, out ReadOnlySpan<byte> bytes)) != WireStatus.Ok
            || (status = reader.TryReadUInt16(out ushort port)) != WireStatus.Ok)
        {
            return status;
        }

        address = FromBytes(bytes, port);
        return WireStatus.Ok;
    }

    /// <inheritdoc />
    public bool Equals(WireAddress other) => Family == other.Family && _high == other._high && _low == other._low && Port == other.Port;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WireAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Family, _high, _low, Port);

    /// <inheritdoc />
    public override string ToString() => IsNone ? "none" : ToEndPoint().ToString();

    /// <summary>Equality.</summary>
    public static bool operator ==(WireAddress left, WireAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(WireAddress left, WireAddress right) => !left.Equals(right);
}
