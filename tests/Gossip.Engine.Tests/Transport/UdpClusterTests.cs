using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>Real-socket clusters need the CPU to themselves on a 2-core machine: this collection runs alone.</summary>
[CollectionDefinition(nameof(UdpClusterTests), DisableParallelization = true)]
public sealed class UdpClusterCollection;

[Collection(nameof(UdpClusterTests))]
public sealed class UdpClusterTests
{
    [Fact]
    public void Cluster128_OnLoopback_Converges_SpreadsRumors_DetectsAStoppedNode()
    {
        const int N = 128;
        var nodes = new List<GossipNode>();
        try
        {
            for (int i = 0; i < N; i++)
            {
                var node = new GossipNode(
                    // A larger retransmit budget than the default: this test is about real sockets carrying the
                    // protocol, not about the (tested in simulation) odds that a bounded-budget rumor misses a node.
                    new GossipOptions { EventCapacity = 0, RetransmitMultiplier = 8, AllowPlaintext = true },
                    new UdpTransport(new UdpTransportOptions()));
                node.Start();
                nodes.Add(node);
            }

            foreach (GossipNode node in nodes)
            {
                node.Join([nodes[0].Address]);
            }

            Assert.True(Eventually.True(() => nodes.All(n => n.LiveMemberCount == N), 60_000), "the cluster did not converge");

            nodes[5].SetLocal("color", "blue"u8);
            RumorId rumor = nodes[7].Broadcast([1, 2, 3]);
            Assert.True(Eventually.True(() => nodes.All(n => n.Counters.RumorsReceived >= 1 || n.Id == rumor.Origin)), "the rumor did not reach every node");
            Assert.True(Eventually.True(() => nodes.All(n => n.TryGetState(nodes[5].Id, "color", out _))), "state did not spread");

            NodeId stopped = nodes[9].Id;
            nodes[9].Dispose();
            Assert.True(
                Eventually.True(() => nodes.Where((n, i) => i != 9).All(n => n.Members.Any(m => m.Id == stopped && m.Status == MemberStatus.Dead)), 60_000),
                "the stopped node was not declared dead everywhere");
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    [Fact]
    public void HostileTraffic_LeavesTheNodeRunning_StateUnchanged_DropsCounted()
    {
        using var keys = new KeyRing(1, new byte[32]);
        using var node = new GossipNode(new GossipOptions { ClusterId = 7, Keys = keys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        using var peerKeys = new KeyRing(1, new byte[32]);
        using var peer = new GossipNode(new GossipOptions { ClusterId = 7, Keys = peerKeys, EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions()));
        node.Start();
        peer.Start();
        peer.Join([node.Address]);
        Assert.True(Eventually.True(() => node.LiveMemberCount == 2 && peer.LiveMemberCount == 2));
        IReadOnlyList<MemberSnapshot> before = node.Members;

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        IPEndPoint to = node.Address.ToEndPoint();
        var random = new Random(11);
        byte[] buffer = new byte[1_400];
        for (int i = 0; i < 3_000; i++)
        {
            random.NextBytes(buffer);
            attacker.SendTo(buffer.AsSpan(0, random.Next(1, buffer.Length)), to);
        }

        for (int i = 0; i < 200; i++)
        {
            attacker.SendTo(new byte[60_000], to);
        }

        // Well-formed frames of another cluster, and of this cluster under a wrong key, sent until seen: after the
        // flood above the kernel may still drop a datagram or two when the socket's buffer is full.
        byte[] otherCluster = SealedPing(new FrameCodec(8, new KeyRing(1, new byte[32])));
        using var wrongKey = new KeyRing(1, Enumerable.Repeat((byte)9, 32).ToArray());
        byte[] wrongKeyPing = SealedPing(new FrameCodec(7, wrongKey));
        Assert.True(Eventually.True(() =>
        {
            attacker.SendTo(otherCluster, to);
            attacker.SendTo(wrongKeyPing, to);
            return node.Counters.DroppedFor(WireStatus.WrongCluster) >= 1 && node.Counters.DroppedFor(WireStatus.AuthenticationFailed) >= 1;
        }));
        Assert.True(node.Counters.FramesDropped >= 1_000);

        // The same for an oversize datagram: the kernel may have dropped the 200 above along with the buffer's overflow.
        Assert.True(Eventually.True(() =>
        {
            attacker.SendTo(new byte[60_000], to);
            return node.TransportCounters.ReceiveErrors >= 1;
        }));

        // Still running, same members, still gossiping with its real peer.
        peer.SetLocal("after", "attack"u8);
        Assert.True(Eventually.True(() => node.TryGetState(peer.Id, "after", out _), 60_000));
        Assert.Equal(before.Count, node.Members.Count);
    }

    private static byte[] SealedPing(FrameCodec codec)
    {
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        new Ping(1, 1).TryWrite(ref writer);
        int length = codec.Seal(frame, MessageType.Ping, FrameFlags.None, new NodeId(77), 1, NodeId.None, writer.Position);
        return frame[..length];
    }
}
