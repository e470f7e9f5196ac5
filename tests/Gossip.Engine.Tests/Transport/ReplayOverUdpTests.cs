using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>
/// Encrypted frames replayed at a live node over real UDP sockets: a key holder's captured ping draws one ack however
/// often it is replayed, and frames under a key the node removed draw none. Every drop is counted by reason.
/// </summary>
[Collection(nameof(UdpClusterTests))]
public sealed class ReplayOverUdpTests
{
    private static readonly byte[] KeyOne = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyTwo = Enumerable.Range(90, 32).Select(i => (byte)i).ToArray();
    private static readonly NodeId Sender = new(0x5EED);

    [Fact]
    public void CapturedPing_Replayed50Times_DrawsOneAck_AndIsCountedAsReplayed()
    {
        using var keys = new KeyRing(1, KeyOne);
        using var node = new GossipNode(new GossipOptions { ClusterId = 7, Keys = keys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        node.Start();

        // The sender holds the key (a member whose datagram was captured on the way): its first copy is genuine.
        using var senderKeys = new KeyRing(1, KeyOne);
        var codec = new FrameCodec(7, senderKeys);
        byte[] ping = SealedPing(codec, node.Id, sequence: 4242);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint to = node.Address.ToEndPoint();
        for (int i = 0; i < 50; i++)
        {
            socket.SendTo(ping, to);
        }

        Assert.True(Eventually.True(() => node.Counters.DroppedFor(WireStatus.Replayed) + node.Counters.FramesReceived >= 50), "the node did not see the 50 copies");
        Assert.Equal(1, node.Counters.FramesReceived);
        Assert.Equal(49, node.Counters.DroppedFor(WireStatus.Replayed));

        // Acks arrive before the node counts the next copy as replayed, so they are all in the socket's queue by now;
        // a later, fresh ping (a new counter) is answered, which also shows the node still works for the sender.
        byte[] fresh = SealedPing(codec, node.Id, sequence: 4343);
        socket.SendTo(fresh, to);
        using var receiverKeys = new KeyRing(1, KeyOne);
        var receiver = new FrameCodec(7, receiverKeys, null, replaySenders: 0) { LocalId = Sender };
        var acks = new List<uint>();
        Assert.True(Eventually.True(() =>
        {
            acks.AddRange(ReadAcks(socket, receiver));
            return acks.Contains(4343u);
        }), "the fresh ping was not answered");
        Assert.Equal(1, acks.Count(s => s == 4242u));
    }

    [Fact]
    public void FramesUnderARemovedKey_AreDropped_AndDrawNoAck()
    {
        using var keys = new KeyRing(1, KeyOne);
        keys.Add(2, KeyTwo);
        using var node = new GossipNode(new GossipOptions { ClusterId = 7, Keys = keys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        node.Start();
        using var senderKeys = new KeyRing(1, KeyOne);
        var codec = new FrameCodec(7, senderKeys);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint to = node.Address.ToEndPoint();
        using KeyRing receiverKeys = RingWith(KeyOne, KeyTwo);
        var receiver = new FrameCodec(7, receiverKeys, null, replaySenders: 0) { LocalId = Sender };

        // Under key 1 while the node still holds it: answered.
        socket.SendTo(SealedPing(codec, node.Id, sequence: 1), to);
        var acks = new List<uint>();
        Assert.True(Eventually.True(() =>
        {
            acks.AddRange(ReadAcks(socket, receiver));
            return acks.Contains(1u);
        }), "a ping under a held key was not answered");

        // The node rotates: key 2 primary, key 1 removed. Fresh frames under key 1 (new counters) are refused.
        keys.UsePrimary(2);
        keys.Remove(1);
        long failedBefore = node.Counters.DroppedFor(WireStatus.AuthenticationFailed);
        for (uint s = 10; s < 30; s++)
        {
            socket.SendTo(SealedPing(codec, node.Id, s), to);
        }

        Assert.True(Eventually.True(() => node.Counters.DroppedFor(WireStatus.AuthenticationFailed) - failedBefore >= 20), "the frames were not counted as refused");
        Assert.Equal(1, node.Counters.FramesReceived);

        // A ping under key 2 is still answered (under key 2), and none of the refused ones was.
        senderKeys.Add(2, KeyTwo);
        senderKeys.UsePrimary(2);
        socket.SendTo(SealedPing(codec, node.Id, sequence: 99), to);
        Assert.True(Eventually.True(() =>
        {
            acks.AddRange(ReadAcks(socket, receiver));
            return acks.Contains(99u);
        }), "a ping under the new key was not answered");
        Assert.DoesNotContain(acks, s => s is >= 10 and < 30);
    }

    private static KeyRing RingWith(byte[] one, byte[] two)
    {
        var ring = new KeyRing(1, one);
        ring.Add(2, two);
        return ring;
    }

    [Fact]
    public void ReplaySenders_CountsEachSenderOnce_FromItsFirstAuthenticatedFrame()
    {
        // LoadGen opens its steady window only when every node holds a window for every peer (the first frame of each
        // sender costs its receiver a replay window and a key, docs/performance.md): the count must be senders heard,
        // not frames, and forged frames must not enter it.
        using var keys = new KeyRing(1, KeyOne);
        using var node = new GossipNode(new GossipOptions { ClusterId = 7, Keys = keys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        node.Start();
        using var senderKeys = new KeyRing(1, KeyOne);
        var codec = new FrameCodec(7, senderKeys);
        using var otherKeys = new KeyRing(1, KeyTwo);
        var forger = new FrameCodec(7, otherKeys);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint to = node.Address.ToEndPoint();
        for (uint sequence = 1; sequence <= 4; sequence++)
        {
            for (ulong sender = 1; sender <= 3; sender++)
            {
                socket.SendTo(SealedPing(codec, node.Id, sequence, new NodeId(0x5EED_0000 + sender)), to);
            }

            socket.SendTo(SealedPing(forger, node.Id, sequence, new NodeId(0xBAD)), to);
        }

        Assert.True(Eventually.True(() => node.Counters.FramesReceived + node.Counters.DroppedFor(WireStatus.AuthenticationFailed) >= 16), "the node did not see the 16 frames");
        Assert.Equal(12, node.Counters.FramesReceived);
        Assert.Equal(3, node.ReplaySenders);
    }

    private static byte[] SealedPing(FrameCodec codec, NodeId receiver, uint sequence) => SealedPing(codec, receiver, sequence, Sender);

    private static byte[] SealedPing(FrameCodec codec, NodeId receiver, uint sequence, NodeId sender)
    {
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(new Ping(sequence, 1).TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, sender, 1, receiver, writer.Position)];
    }

    /// <summary>The sequence numbers of the acks waiting in the socket's queue (acks may come alone or in a compound frame).</summary>
    private static List<uint> ReadAcks(Socket socket, FrameCodec codec)
    {
        var sequences = new List<uint>();
        byte[] buffer = new byte[2_048];
        while (socket.Available > 0)
        {
            int length = socket.Receive(buffer);
            if (codec.Open(buffer.AsSpan(0, length), out FrameHeader header, out ReadOnlySpan<byte> body) != WireStatus.Ok)
            {
                continue;
            }

            var sections = new SectionReader(header.Type, body, WireLimits.Datagram);
            while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
            {
                var reader = new GossipReader(payload);
                if (type == MessageType.Ack && Ack.TryRead(ref reader, out Ack ack) == WireStatus.Ok)
                {
                    sequences.Add(ack.Sequence);
                }
            }
        }

        return sequences;
    }
}
