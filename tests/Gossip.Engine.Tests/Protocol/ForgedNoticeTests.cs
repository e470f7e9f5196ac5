using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>
/// Membership news from outside the cluster is believed nowhere (only checked), and news about a live member that it did
/// not say itself can be refuted by it, and is, everywhere.
/// </summary>
public sealed class ForgedNoticeTests
{
    [Theory]
    [InlineData(MembershipEventKind.Leave, 21UL)]
    [InlineData(MembershipEventKind.Leave, 22UL)]
    [InlineData(MembershipEventKind.Dead, 21UL)]
    [InlineData(MembershipEventKind.Dead, 22UL)]
    [InlineData(MembershipEventKind.Suspect, 23UL)]
    public void ForgedNotice_FromOutsideTheCluster_IsBelievedNowhere(MembershipEventKind kind, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = seed });
        cluster.RunRounds(10);
        GossipNode victim = cluster.Nodes[3];
        SimulatedTransport stranger = cluster.Network.CreateTransport();

        // Plaintext frames from a non-member socket: one from an unknown sender, one spoofing the victim's own id.
        var forged = new MembershipEvent(kind, victim.Id, victim.Generation, 0, victim.Id, victim.Address);
        foreach (GossipNode target in cluster.Nodes.Take(2))
        {
            Assert.True(stranger.Send(target.Address, Frame(forged)));
            Assert.True(stranger.Send(target.Address, Frame(forged, sender: victim.Id)));
        }

        for (int round = 0; round < 200; round++)
        {
            cluster.RunRound();
            Assert.True(AllSeeAlive(cluster, victim.Id), $"a node held the victim down {round + 1} rounds after a forged {kind}");
        }

        Assert.All(cluster.Nodes.Take(2), n => Assert.Equal(2, n.Counters.NewsDropped));
        Assert.Equal(0, victim.Counters.Refutations);
    }

    [Theory]
    [InlineData(MembershipEventKind.Leave)]
    [InlineData(MembershipEventKind.Dead)]
    public void NoticeFromOutside_AboutAMemberThatReallyCrashed_IsCheckedAndTheCrashFound(MembershipEventKind kind)
    {
        // Not believed, but not ignored either: in a partial view such news often comes from a node outside the view.
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 25, Configure = o => o.ProbeEveryRounds = 1_000 });
        cluster.RunRounds(10);
        GossipNode victim = cluster.Nodes[3];
        SimulatedTransport stranger = cluster.Network.CreateTransport();
        cluster.Crash(3);

        Assert.True(stranger.Send(cluster.Nodes[0].Address, Frame(new MembershipEvent(kind, victim.Id, victim.Generation, 0, new NodeId(0xBAD), victim.Address))));
        int rounds = cluster.RunUntil(c => c.Nodes[0].Members.Any(m => m.Id == victim.Id && m.Status != MemberStatus.Alive), 50);

        Assert.InRange(rounds, 1, 2 * cluster.Nodes[0].Options.ProbeTimeoutRounds + 1);
        Assert.Equal(1, cluster.Nodes[0].Counters.Suspicions);
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

    private static byte[] Frame(in MembershipEvent e, NodeId sender = default)
    {
        var codec = new FrameCodec(1);
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        Assert.True(e.TryWrite(ref writer));
        list.Add();
        list.End(ref writer);
        int length = codec.Seal(frame, MessageType.Membership, FrameFlags.None, sender.IsNone ? new NodeId(0xBAD) : sender, 1, NodeId.None, writer.Position);
        return frame[..length];
    }
}
