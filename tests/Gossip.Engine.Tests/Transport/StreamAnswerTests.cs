using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>
/// Large answers go only back on the stream their request came on, over real sockets: the answering node never opens
/// a connection because of a frame it received. A SYN datagram (which in plaintext anyone can send from a member's
/// address) is answered in datagrams; a requester that wants a large answer asks over its own connection and reads
/// the answer there.
/// </summary>
[Collection(nameof(UdpClusterTests))]
public sealed class StreamAnswerTests
{
    private const uint Cluster = 7;

    [Fact]
    public void AnswerToAStreamFrame_GoesBackOnTheRequestersOwnConnection_AndTheAnswererDialsNothing()
    {
        using var a = new UdpTransport(new UdpTransportOptions());
        using var b = new UdpTransport(new UdpTransportOptions());
        var ra = new RecordingReceiver();
        var rb = new AnsweringReceiver(b, answerBytes: 50_000);
        a.Start(ra);
        b.Start(rb);

        // A small request over a's own stream; b's answer is far larger than a datagram.
        Assert.True(a.SendLarge(b.LocalAddress, new byte[100]));
        Assert.True(Eventually.True(() => !ra.Frames.IsEmpty), "the answer did not come back");
        Assert.True(ra.Frames.TryPeek(out (WireAddress Source, byte[] Frame, bool ViaStream) answer));
        Assert.True(answer.ViaStream);
        Assert.Equal(b.LocalAddress, answer.Source);
        Assert.Equal(50_000, answer.Frame.Length);
        Assert.Equal(1, a.Counters.StreamsDialed);
        Assert.Equal(0, b.Counters.StreamsDialed);
        Assert.Equal(0, b.Streams!.OutboundConnections);

        // The requester's answer to that answer goes back on the same connection too: still one dial in all.
        Assert.True(a.SendAnswer(answer.Source, new byte[3_000]));
        Assert.True(Eventually.True(() => rb.Frames.Count == 2), "the answer to the answer did not arrive");
        Assert.Equal(1, a.Counters.StreamsDialed);
        Assert.Equal(0, b.Counters.StreamsDialed);
    }

    [Fact]
    public void AnswerAfterTheRequesterHungUp_OrToASourceWithNoStream_IsDroppedAndCounted_WithoutDialling()
    {
        using var b = new UdpTransport(new UdpTransportOptions());
        var rb = new RecordingReceiver();
        b.Start(rb);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.Connect(b.BoundEndPoint);
            client.Send([8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
            Assert.True(Eventually.True(() => rb.Frames.Count == 1), "the request did not arrive");
        }

        Assert.True(rb.Frames.TryPeek(out (WireAddress Source, byte[] Frame, bool ViaStream) request));
        Assert.True(Eventually.True(() => b.Streams!.InboundConnections == 0), "the hung-up connection was still served");
        long drops = b.Counters.SendDrops;
        Assert.False(b.SendAnswer(request.Source, new byte[5_000]));
        Assert.False(b.SendAnswer(WireAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 9)), new byte[5_000]));
        Assert.Equal(drops + 2, b.Counters.SendDrops);
        Assert.Equal(0, b.Counters.StreamsDialed);
        Assert.Equal(0, b.Streams!.OutboundConnections);
    }

    [Fact]
    public void SynDatagram_FromAMembersAddress_WhoseAnswerWouldBeLarge_IsAnsweredInDatagramsOnly_AndOpensNoConnection()
    {
        // Plaintext: anyone can send a datagram from a member's address. Here the "member" is a bare socket the test holds.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var memberId = new NodeId(0x5EED);
        var transport = new UdpTransport(new UdpTransportOptions());
        using var node = new GossipNode(new GossipOptions { ClusterId = Cluster, AllowPlaintext = true, EventCapacity = 0 }, transport);
        Assert.True(node.Introduce(memberId, 1, WireAddress.FromEndPoint((IPEndPoint)socket.LocalEndPoint!)));
        node.Start();

        // State far too large for a datagram: before, the answer went over a stream the node opened to that address.
        byte[] value = new byte[1_000];
        for (int i = 0; i < 4; i++)
        {
            value[0] = (byte)i;
            node.SetLocal($"big{i}", value);
        }

        var codec = new FrameCodec(Cluster);
        socket.SendTo(Syn(codec, memberId), node.Address.ToEndPoint());

        var types = new List<MessageType>();
        int largest = 0;
        Assert.True(
            Eventually.True(() =>
            {
                largest = Math.Max(largest, Drain(socket, codec, types));
                return types.Contains(MessageType.DigestAck);
            }),
            "the SYN drew no ACK");
        Assert.InRange(largest, 1, new UdpTransportOptions().MaxDatagramBytes);
        Assert.Equal(0, node.TransportCounters.StreamsDialed);
        Assert.Equal(0, node.TransportCounters.StreamFramesSent);
        Assert.Equal(0, transport.Streams!.OutboundConnections);
    }

    [Fact]
    public void JoinersSyn_OverItsOwnStream_GetsTheSeedsLargeStateOnIt_AndTheSeedDialsNothing()
    {
        byte[] key = new byte[32];
        key[0] = 21;
        using var seedKeys = new KeyRing(1, key);
        using var joinerKeys = new KeyRing(1, key);
        using var seed = new GossipNode(new GossipOptions { ClusterId = Cluster, Keys = seedKeys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        using var joiner = new GossipNode(new GossipOptions { ClusterId = Cluster, Keys = joinerKeys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        seed.Start();
        byte[] value = new byte[1_000];
        for (int i = 0; i < 4; i++)
        {
            value[0] = (byte)i;
            seed.SetLocal($"big{i}", value);
        }

        joiner.Start();
        joiner.Join([seed.Address]);

        Assert.True(
            Eventually.True(() => Enumerable.Range(0, 4).All(i => joiner.TryGetState(seed.Id, $"big{i}", out _)), 30_000),
            "the joiner did not get the seed's state");
        Assert.True(joiner.TransportCounters.StreamsDialed >= 1, "the joiner did not ask over its own stream");
        Assert.True(joiner.TransportCounters.StreamFramesReceived >= 1, "the large answer did not come back on the joiner's stream");
        Assert.True(seed.TransportCounters.StreamFramesSent >= 1, "the seed did not answer on the stream");
        Assert.Equal(0, seed.TransportCounters.StreamsDialed);
    }

    [Fact]
    public void NodeJoiningAnEncryptedClusterOf40_OnUdp_Converges()
    {
        const int N = 40;
        byte[] key = new byte[32];
        key[0] = 40;
        var rings = new List<KeyRing>();
        var nodes = new List<GossipNode>();
        try
        {
            GossipNode NewNode()
            {
                var ring = new KeyRing(1, key);
                rings.Add(ring);
                var node = new GossipNode(new GossipOptions { ClusterId = Cluster, Keys = ring, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
                nodes.Add(node);
                node.Start();
                return node;
            }

            for (int i = 0; i < N; i++)
            {
                NewNode();
            }

            foreach (GossipNode node in nodes)
            {
                node.Join([nodes[0].Address]);
            }

            Assert.True(Eventually.True(() => nodes.All(n => n.LiveMemberCount == N), 60_000), "the cluster did not form");

            // The seed answers the joiner's datagram SYN with a datagram; what does not fit, the joiner asks for over its own stream.
            GossipNode joiner = NewNode();
            joiner.Join([nodes[0].Address]);
            Assert.True(Eventually.True(() => nodes.All(n => n.LiveMemberCount == N + 1), 60_000), "the joiner did not converge");
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
            rings.ForEach(r => r.Dispose());
        }
    }

    /// <summary>A SYN for the whole id space with an empty digest: the answer is every member's delta.</summary>
    private static byte[] Syn(FrameCodec codec, NodeId sender)
    {
        byte[] frame = new byte[1_400];
        var writer = new GossipWriter(codec.BodySpan(frame));
        var sections = new SectionWriter();
        Assert.True(sections.TryBegin(ref writer, MessageType.MerkleRanges));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter ranges));
        Assert.True(new MerkleRange(0, ulong.MaxValue, 0, 0, 0).TryWrite(ref writer));
        ranges.Add();
        ranges.End(ref writer);
        sections.End(ref writer);
        Assert.True(sections.TryBegin(ref writer, MessageType.DigestSyn));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter digest));
        digest.End(ref writer);
        sections.End(ref writer);
        return frame[..codec.Seal(frame, MessageType.Compound, FrameFlags.None, sender, 1, NodeId.None, writer.Position)];
    }

    /// <summary>Reads the datagrams waiting at <paramref name="socket"/>, adds their sections' types; returns the largest datagram's length.</summary>
    private static int Drain(Socket socket, FrameCodec codec, List<MessageType> types)
    {
        int largest = 0;
        byte[] buffer = new byte[65_536];
        while (socket.Available > 0)
        {
            int length = socket.Receive(buffer);
            largest = Math.Max(largest, length);
            if (codec.Open(buffer.AsSpan(0, length), out FrameHeader header, out ReadOnlySpan<byte> body) != WireStatus.Ok)
            {
                continue;
            }

            var sections = new SectionReader(header.Type, body, WireLimits.Datagram);
            while (sections.TryReadNext(out MessageType type, out _, out bool done) == WireStatus.Ok && !done)
            {
                types.Add(type);
            }
        }

        return largest;
    }

    /// <summary>Records frames and answers the first one on its stream with <c>answerBytes</c> bytes.</summary>
    private sealed class AnsweringReceiver(UdpTransport transport, int answerBytes) : IFrameReceiver
    {
        private int _answered;

        public ConcurrentQueue<(WireAddress Source, byte[] Frame, bool ViaStream)> Frames { get; } = new();

        public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream)
        {
            Frames.Enqueue((source, frame.ToArray(), viaStream));
            if (viaStream && Interlocked.Exchange(ref _answered, 1) == 0)
            {
                transport.SendAnswer(source, new byte[answerBytes]);
            }
        }
    }
}
