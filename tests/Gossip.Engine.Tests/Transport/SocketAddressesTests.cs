using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

public sealed class SocketAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", 7946)]
    [InlineData("10.1.2.3", 1)]
    [InlineData("255.255.255.254", 65535)]
    public void TryWrite_IPv4OnIPv4Socket_MatchesSerialize(string ip, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(ip), port);
        var target = new SocketAddress(AddressFamily.InterNetwork);

        Assert.True(SocketAddresses.TryWrite(WireAddress.FromEndPoint(endPoint), target));

        Assert.Equal(endPoint.Serialize(), target);
    }

    [Theory]
    [InlineData("::1", 7946)]
    [InlineData("2001:db8::17", 65535)]
    public void TryWrite_IPv6OnIPv6Socket_MatchesSerialize(string ip, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(ip), port);
        var target = new SocketAddress(AddressFamily.InterNetworkV6);

        Assert.True(SocketAddresses.TryWrite(WireAddress.FromEndPoint(endPoint), target));

        Assert.Equal(endPoint.Serialize(), target);
    }

    [Fact]
    public void TryWrite_IPv4OnIPv6Socket_WritesTheMappedAddress()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("192.0.2.9"), 4000);
        var target = new SocketAddress(AddressFamily.InterNetworkV6);

        Assert.True(SocketAddresses.TryWrite(WireAddress.FromEndPoint(endPoint), target));

        Assert.Equal(new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port).Serialize(), target);
        Assert.Equal(WireAddress.FromEndPoint(endPoint), SocketAddresses.ToWireAddress(target));
    }

    [Fact]
    public void TryWrite_ReusedTarget_HoldsOnlyTheLastAddress()
    {
        // The transport rewrites one SocketAddress per datagram: nothing of an IPv6 address may survive an IPv4 one.
        var target = new SocketAddress(AddressFamily.InterNetworkV6);
        Assert.True(SocketAddresses.TryWrite(WireAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::ffff:1"), 1)), target));

        var endPoint = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 2);
        Assert.True(SocketAddresses.TryWrite(WireAddress.FromEndPoint(endPoint), target));

        Assert.Equal(new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port).Serialize(), target);
    }

    [Fact]
    public void TryWrite_IPv6OnIPv4Socket_OrNoAddress_ReturnsFalse()
    {
        var target = new SocketAddress(AddressFamily.InterNetwork);

        Assert.False(SocketAddresses.TryWrite(WireAddress.FromEndPoint(new IPEndPoint(IPAddress.IPv6Loopback, 1)), target));
        Assert.False(SocketAddresses.TryWrite(default, target));
    }
}
