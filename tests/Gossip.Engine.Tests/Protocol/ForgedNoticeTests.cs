using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>Membership news about a live member that it did not say itself can be refuted by it, and is, everywhere.</summary>
public sealed class ForgedNoticeTests
{
    [Theory]
    [InlineData(MembershipEventKind.Leave, 21UL)]
    [InlineData(MembershipEventKind.Leave, 22UL)]
    [InlineData(MembershipEventKind.Leave, 23UL)]
    [InlineData(MembershipEventKind.Dead, 21UL)]
    [InlineData(MembershipEventKind.Dead, 22UL)]
    public void ForgedNotice_AboutALiveMember_IsRefutedEverywhere(MembershipEventKind kind, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = seed });
        cluster.RunRounds(10);
        GossipNode victim = cluster.Nodes[3];
        SimulatedTransport stranger = cluster.Network.CreateTransport();

        // A plaintext frame from a non-member, naming the victim itself as the reporter.
        var forged = new MembershipEvent(kind, victim.Id, victim.Generation, 0, victim.Id, victim.Address);
        Assert.True(stranger.Send(cluster.Nodes[0].Address, Frame(forged)));
        Assert.True(stranger.Send(cluster.Nodes[1].Address, Frame(forged)));
        cluster.RunRounds(2);

        int healed = cluster.RunUntil(c => AllSeeAlive(c, victim.Id), 100);

        Assert.True(healed >= 0, $"the victim was still not alive everywhere 100 rounds after a forged {kind}");
        Assert.True(victim.Counters.Refutations >= 1);

        // And it stays so: anti-entropy must not carry the forged departure back.
        cluster.RunRounds(200);
        Assert.True(AllSeeAlive(cluster, victim.Id));
    }

    // A refutation also goes straight back to whoever sent the notice: a spoofed source can draw one reply per
    // notice, never larger than the notice (no amplification).
    [Fact]
    public void ForgedSuspicion_SentToTheSubject_DrawsOneReplyNoLargerThanItself()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 24 });
        cluster.RunRounds(10);
        GossipNode victim = cluster.Nodes[3];
        SimulatedTransport stranger = cluster.Network.CreateTransport();
        byte[] forged = Frame(new MembershipEvent(MembershipEventKind.Suspect, victim.Id, victim.Generation, 0, new NodeId(0xBAD), victim.Address));

        Assert.True(stranger.Send(victim.Address, forged));
        cluster.RunRounds(20);

        Assert.Equal(1, stranger.Counters.DatagramsReceived);
        Assert.InRange(stranger.Counters.BytesReceived, 1, forged.Length);
        Assert.True(AllSeeAlive(cluster, victim.Id));
    }

    private static bool AllSeeAlive(SimulatedCluster cluster, NodeId member) =>
        cluster.Nodes.All(n => n.Members.Any(m => m.Id == member && m.Status == MemberStatus.Alive));

    private static byte[] Frame(in MembershipEvent e)
    {
        var codec = new FrameCodec(1);
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        Assert.True(e.TryWrite(ref writer));
        list.Add();
        list.End(ref writer);
        int length = codec.Seal(frame, MessageType.Membership, FrameFlags.None, new NodeId(0xBAD), 1, writer.Position);
        return frame[..length];
    }
}
