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

    /// <summary>
    /// Rewrites <paramref name="target"/> (a <see cref="SocketAddress"/> of the sending socket's family, made once and
    /// reused) to hold <paramref name="address"/>, in place and without allocating. An IPv4 address bound for an IPv6
    /// socket is written IPv4-mapped (::ffff:a.b.c.d). Returns false when the socket's family cannot reach the address
    /// (IPv6 from an IPv4 socket, or no address).
    /// </summary>
    /// <remarks>
    /// Only the port and address bytes are written: the family field, whose encoding differs between platforms, was set
    /// by the <see cref="SocketAddress(AddressFamily)"/> constructor, which also sized it. Port at offset 2 and the IPv4 address at 4, or
    /// flow info at 4, the IPv6 address at 8 and the scope id at 24, are the sockaddr_in / sockaddr_in6 layout
    /// everywhere (and what <see cref="ToWireAddress"/> reads).
    /// </remarks>
    public static bool TryWrite(WireAddress address, SocketAddress target)
    {
        Span<byte> raw = target.Buffer.Span;
        switch (target.Family)
        {
            case AddressFamily.InterNetwork when address.Family == 4:
                BinaryPrimitives.WriteUInt16BigEndian(raw[2..], address.Port);
                address.CopyAddressBytes(raw.Slice(4, 4));
                return true;
            case AddressFamily.InterNetworkV6 when address.Family is 4 or 6:
                BinaryPrimitives.WriteUInt16BigEndian(raw[2..], address.Port);
                raw.Slice(4, 4).Clear();
                Span<byte> bytes = raw.Slice(8, 16);
                if (address.Family == 4)
                {
                    bytes[..10].Clear();
                    bytes[10] = 0xFF;
                    bytes[11] = 0xFF;
                    address.CopyAddressBytes(bytes[12..]);
                }
                else
                {
                    address.CopyAddressBytes(bytes);
                }

                raw.Slice(24, 4).Clear();
                return true;
            default:
                return false;
        }
    }

    private static WireAddress MapIPv6(ReadOnlySpan<byte> bytes, ushort port)
    {
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 peer itself.
        bool mapped = bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF;
        return mapped ? WireAddress.FromBytes(bytes[12..], port) : WireAddress.FromBytes(bytes, port);
    }
}
