using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Udp;

/// <summary>Converts between <see cref="SocketAddress"/> (what the allocation-free socket calls use) and <see cref="WireAddress"/>.</summary>
internal static class SocketAddresses
{
    /// <summary>Reads the peer address out of a received <see cref="SocketAddress"/> without allocating (sockaddr_in / sockaddr_in6 layout).</summary>
    public static WireAddress ToWireAddress(SocketAddress address)
    {
        ReadOnlySpan<byte> raw = address.Buffer.Span;
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(raw[2..]);
        return address.Family switch
        {
            AddressFamily.InterNetwork => WireAddress.FromBytes(raw.Slice(4, 4), port),
            AddressFamily.InterNetworkV6 => MapIPv6(raw.Slice(8, 16), port),
            _ => default,
        };
    }

    /// <summary>Builds the <see cref="SocketAddress"/> for a destination (allocates; callers cache it).</summary>
    public static SocketAddress ToSocketAddress(WireAddress address, AddressFamily socketFamily)
    {
        IPEndPoint endPoint = address.ToEndPoint();
        if (socketFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
        }

        return endPoint.Serialize();
    }

    private static WireAddress MapIPv6(ReadOnlySpan<byte> bytes, ushort port)
    {
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 peer itself.
        bool mapped = bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF;
        return mapped ? WireAddress.FromBytes(bytes[12..], port) : WireAddress.FromBytes(bytes, port);
    }
}
