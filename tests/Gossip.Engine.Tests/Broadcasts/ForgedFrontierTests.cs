using Gossip.Engine.Membership;
using Gossip.Engine.Tests.Components;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Broadcasts;

/// <summary>
/// Absurd or forged broadcast sequence numbers and progress claims: clamped, dropped and counted; they never make a
/// node deliver what was not sent, skip more than it can be told to, pull without end or track without bound.
/// </summary>
public sealed class ForgedFrontierTests
{
    private static readonly byte[] Payload = [1, 2, 3];

    [Fact]
    public void AClaimFarAhead_IsClamped_AndATellerThatSendsNothingIsNotAskedAgain()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 64, MaxBroadcastLead = 64 });
        Member[] members = harness.AddMembers(2, 3);
        Receive(harness, 1, 2, 3);
        harness.TakeSent();
        harness.Events.DrainEvents();

        // Member 3 claims origin 2 has sent 2^32 - 1 broadcasts, retains none of them, and answers nothing else.
        Frontier(harness, members[1], FrontierEntry.Answer, new FrontierEntry(new NodeId(2), 1, uint.MaxValue, uint.MaxValue));
        harness.Broadcasts.FlushPull();

        Assert.Equal(1, harness.Counters.BroadcastClaimsDropped);
        GossipEvent gap = Assert.Single(harness.Events.DrainEvents());
        Assert.Equal(GossipEventKind.BroadcastGap, gap.Kind);
        Assert.Equal(4u, gap.Rumor.Sequence);
        Assert.Equal(3u + 64, gap.LastMissed.Sequence);

        // No repairs came, so no progress: the claim leaves nothing to chase.
        Assert.Empty(harness.TakeSent());
        Frontier(harness, members[1], FrontierEntry.Answer, new FrontierEntry(new NodeId(2), 1, uint.MaxValue, 0));
        Repairs(harness, members[1]);
        harness.Broadcasts.FlushPull();
        Assert.Empty(harness.TakeSent());
    }

    [Fact]
    public void ARequestClaimingFarAhead_DrawsOneRequestBack_NotALoop()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, MaxBroadcastLead = 64 });
        Member[] members = harness.AddMembers(2, 3);
        Receive(harness, 1);
        harness.TakeSent();

        for (int i = 0; i < 5; i++)
        {
            Frontier(harness, members[1], 0, new FrontierEntry(new NodeId(2), 1, uint.MaxValue, 0));
            harness.Broadcasts.FlushPull();
        }

        // One request back per request received (a reflection, not an amplifier), and no answer: we have nothing it lacks.
        List<SentFrame> sent = harness.TakeSent();
        Assert.Equal(5, sent.Count);
        Assert.All(sent, frame => Assert.Equal(ComponentHarness.AddressOf(3), frame.Destination));
        Assert.All(sent, frame => Assert.False(harness.Has(frame, MessageType.BroadcastRepairs)));
        Assert.Equal(5, harness.Counters.BroadcastClaimsDropped);
        Assert.True(harness.Broadcasts.HasDelivered(new RumorId(new NodeId(2), 1, 1)));
        Assert.False(harness.Broadcasts.HasDelivered(new RumorId(new NodeId(2), 2, 1)));
    }

    [Fact]
    public void FrontiersAndRepairsFromANonMember_AreDroppedAndCounted()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 64 });
        harness.AddMembers(2);
        harness.Events.DrainEvents();

        Frontier(harness, null, 0, new FrontierEntry(new NodeId(2), 1, 5, 0));
        Repairs(harness, null, (new RumorId(new NodeId(2), 1, 1), Payload));
        harness.Broadcasts.FlushPull();

        Assert.Empty(harness.TakeSent());
        Assert.Empty(harness.Events.DrainEvents());
        Assert.Equal(2, harness.Counters.BroadcastClaimsDropped);
        Assert.False(harness.Broadcasts.HasDelivered(new RumorId(new NodeId(2), 1, 1)));
    }

    [Fact]
    public void ARumorWithAnAbsurdSequence_IsNeitherDeliveredNorSpread()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 64 });
        harness.AddMembers(2);
        harness.Events.DrainEvents();

        DeliverRumor(harness, new RumorId(new NodeId(2), uint.MaxValue, 1));

        Assert.Equal(0, harness.Counters.RumorsReceived);
        Assert.Equal(0, harness.Spread.HotRumors);
        Assert.Empty(harness.Events.DrainEvents());
        Assert.Equal(1, harness.Counters.BroadcastClaimsDropped);
    }

    [Fact]
    public void AClaimAboutOurOwnBroadcasts_IsNotBelieved()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        Member[] members = harness.AddMembers(2);
        harness.Spread.Broadcast(new RumorId(harness.Self.Id, 1, harness.Self.Generation), Payload);
        harness.TakeSent();

        Frontier(harness, members[0], 0, new FrontierEntry(harness.Self.Id, harness.Self.Generation, 1_000, 0));
        harness.Broadcasts.FlushPull();

        Assert.Equal(1, harness.Counters.BroadcastClaimsDropped);
        Assert.Empty(harness.TakeSent());
    }

    [Fact]
    public void AFloodOfMadeUpOrigins_IsBounded_AndDoesNotPushOutAMembersStream()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 64, MaxBroadcastOrigins = 16 });
        Member[] members = harness.AddMembers(2, 3);
        Receive(harness, 1, 2);
        harness.Events.DrainEvents();

        var flood = new FrontierEntry[1_000];
        for (int i = 0; i < flood.Length; i++)
        {
            flood[i] = new FrontierEntry(new NodeId(1_000 + (ulong)i), 1, 7, 0);
            harness.NextRound();
        }

        Frontier(harness, members[1], 0, flood);

        Assert.Equal(16, harness.Broadcasts.StreamCount);
        Assert.True(harness.Counters.LimitHits >= flood.Length - 15);

        // Origin 2's stream survived: its broadcasts are not taken as new (no second delivery).
        Receive(harness, 1, 2);
        Assert.Empty(harness.Events.DrainEvents());
        Assert.Equal(2, harness.Counters.RumorsReceived);
    }

    /// <summary>Rumors of origin 2 (generation 1) with the given sequences, as a Rumors section from a peer.</summary>
    private static void Receive(ComponentHarness harness, params uint[] sequences)
    {
        foreach (uint sequence in sequences)
        {
            DeliverRumor(harness, new RumorId(new NodeId(2), sequence, 1));
        }
    }

    private static void DeliverRumor(ComponentHarness harness, RumorId id)
    {
        byte[] section = ComponentHarnessExchangeExtensions.RumorsPayload((id, Payload));
        var reader = new GossipReader(section);
        harness.Spread.OnRumors(ref reader);
    }

    private static void Frontier(ComponentHarness harness, Member? sender, byte flags, params FrontierEntry[] entries)
    {
        byte[] buffer = new byte[64 * 1024];
        var writer = new GossipWriter(buffer);
        Assert.True(writer.TryWriteByte(flags));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        foreach (FrontierEntry entry in entries)
        {
            Assert.True(entry.TryWrite(ref writer));
            list.Add();
        }

        list.End(ref writer);
        var reader = new GossipReader(writer.Written);
        harness.Broadcasts.OnFrontier(ref reader, sender, sender?.Address ?? ComponentHarness.AddressOf(99));
    }

    private static void Repairs(ComponentHarness harness, Member? sender, params (RumorId Id, byte[] Payload)[] rumors)
    {
        byte[] section = ComponentHarnessExchangeExtensions.RumorsPayload(rumors);
        var reader = new GossipReader(section);
        harness.Broadcasts.OnRepairs(ref reader, sender);
    }
}
