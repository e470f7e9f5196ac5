using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>The rules of rumor mongering and event piggybacking, driven on one node's Disseminator alone.</summary>
public sealed class DisseminatorTests
{
    private static readonly byte[] Payload = [1, 2, 3];

    [Fact]
    public void RetransmitLimit_IsLambdaTimesCeilLog10OfLiveMembersOrTheHint()
    {
        var alone = new ComponentHarness();
        Assert.Equal(4 * 1, alone.Spread.RetransmitLimit);

        var ten = new ComponentHarness();
        ten.AddMembers(Range(2, 9));
        Assert.Equal(4 * 2, ten.Spread.RetransmitLimit);

        var hinted = new ComponentHarness(new GossipOptions { ClusterSizeHint = 1_000, RetransmitMultiplier = 3 });
        hinted.AddMembers(2, 3);
        Assert.Equal(3 * 4, hinted.Spread.RetransmitLimit);
    }

    [Fact]
    public void Spread_Event_IsPiggybackedExactlyRetransmitLimitTimes()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        harness.AddMembers(Range(2, 9));
        harness.Spread.Spread(Suspect(5));

        int carried = 0;
        for (int i = 0; i < 3 * harness.Spread.RetransmitLimit; i++)
        {
            carried += Piggyback(harness).Count(s => s.Type == MessageType.Membership);
        }

        Assert.Equal(harness.Spread.RetransmitLimit, carried);
    }

    [Fact]
    public void Spread_NewerEventAboutTheSameSubject_ReplacesTheOlder()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        harness.AddMembers(2, 3, 5);
        harness.Spread.Spread(Suspect(5));
        harness.Spread.Spread(Event(MembershipEventKind.Alive, 5, incarnation: 1));

        MembershipEvent only = Assert.Single(ComponentHarnessExchangeExtensions.ReadEvents(Single(Piggyback(harness), MessageType.Membership), harness.Node.Limits));
        Assert.Equal(MembershipEventKind.Alive, only.Kind);
        Assert.Equal(1u, only.Incarnation);
    }

    [Fact]
    public void GossipStep_PushModeWithNothingHot_SendsNothing()
    {
        var harness = new ComponentHarness(new GossipOptions { Mode = DisseminationMode.Push, ExchangeWhenIdle = true });
        harness.AddMembers(2, 3, 4, 5);

        harness.Spread.GossipStep();

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void GossipStep_PushModeWithNews_PushesToFanoutPeersWithoutAPull()
    {
        var harness = new ComponentHarness(new GossipOptions { Mode = DisseminationMode.Push, EagerPush = false, Fanout = 3 });
        harness.AddMembers(2, 3, 4, 5, 6);
        harness.Spread.Spread(Suspect(6));

        harness.Spread.GossipStep();

        Assert.Equal(3, harness.Transport.Sent.Select(f => f.Destination).Distinct().Count());
        Assert.All(harness.Transport.Sent, f =>
        {
            Assert.True(harness.Has(f, MessageType.Membership));
            Assert.False(harness.Has(f, MessageType.RumorPull));
        });
    }

    [Fact]
    public void GossipStep_PullMode_AlwaysAsksFanoutPeersAndPushesNoRumors()
    {
        var harness = new ComponentHarness(new GossipOptions { Mode = DisseminationMode.Pull, EagerPush = false, Fanout = 2 });
        harness.AddMembers(2, 3, 4, 5);

        harness.Spread.GossipStep();
        List<SentFrame> idle = harness.TakeSent();
        harness.Spread.Broadcast(new RumorId(new NodeId(1), 1), Payload);
        harness.Spread.GossipStep();
        List<SentFrame> hot = harness.TakeSent();

        Assert.Equal(2, idle.Count);
        Assert.All(idle, f => Assert.Equal(MessageType.RumorPull, Assert.Single(harness.Sections(f)).Type));
        Assert.Equal(2, hot.Count);
        Assert.All(hot, f => Assert.Equal(MessageType.RumorPull, Assert.Single(harness.Sections(f)).Type));
    }

    [Fact]
    public void GossipStep_PushPullIdle_SendsOnlyWithExchangeWhenIdle()
    {
        var quiet = new ComponentHarness(new GossipOptions { Fanout = 2 });
        quiet.AddMembers(2, 3, 4);
        var chatty = new ComponentHarness(new GossipOptions { Fanout = 2, ExchangeWhenIdle = true });
        chatty.AddMembers(2, 3, 4);

        quiet.Spread.GossipStep();
        chatty.Spread.GossipStep();

        Assert.Empty(quiet.Transport.Sent);
        Assert.Equal(2, chatty.Transport.Sent.Count);
        Assert.All(chatty.Transport.Sent, f => Assert.Equal(MessageType.RumorPull, Assert.Single(chatty.Sections(f)).Type));
    }

    [Fact]
    public void GossipStep_PushPullWithAHotRumor_PullsAndPushes()
    {
        var harness = new ComponentHarness(new GossipOptions { Fanout = 2, EagerPush = false });
        harness.AddMembers(2, 3, 4);
        harness.Spread.Broadcast(new RumorId(new NodeId(1), 1), Payload);

        harness.Spread.GossipStep();

        Assert.Equal(2, harness.Transport.Sent.Count);
        Assert.All(harness.Transport.Sent, f =>
        {
            Assert.True(harness.Has(f, MessageType.RumorPull));
            Assert.True(harness.Has(f, MessageType.Rumors));
        });
    }

    [Fact]
    public void Broadcast_WithEagerPush_SendsTheRumorToEagerPushFanoutPeersAtOnce()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPushFanout = 4 });
        harness.AddMembers(Range(2, 8));
        var id = new RumorId(new NodeId(1), 7);

        harness.Spread.Broadcast(id, Payload);

        Assert.Equal(4, harness.Transport.Sent.Select(f => f.Destination).Distinct().Count());
        Assert.All(harness.Transport.Sent, f =>
        {
            Assert.Equal([id], ComponentHarnessExchangeExtensions.ReadRumorIds(harness.Section(f, MessageType.Rumors), harness.Node.Limits));
            Assert.False(harness.Has(f, MessageType.RumorPull));
        });
    }

    [Fact]
    public void FlushEager_AfterAnUrgentNonSuspectEvent_SendsToEagerPushFanoutPeers()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPushFanout = 3 });
        harness.AddMembers(Range(2, 8));
        harness.Spread.Spread(Event(MembershipEventKind.Dead, 4));

        harness.Spread.FlushEager();

        Assert.Equal(3, harness.Transport.Sent.Count);
        Assert.All(harness.Transport.Sent, f => Assert.True(harness.Has(f, MessageType.Membership)));
    }

    [Fact]
    public void FlushEager_AfterANonUrgentEvent_SendsNothing()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(Range(2, 8));
        harness.Spread.Spread(Event(MembershipEventKind.Join, 4), urgent: false);

        harness.Spread.FlushEager();

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void FlushEager_SuspicionsAlone_ArePushedAtMostOncePerRound()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPushFanout = 3 });
        harness.AddMembers(Range(2, 8));

        harness.Spread.Spread(Suspect(4));
        harness.Spread.FlushEager();
        int first = harness.TakeSent().Count;
        harness.Spread.Spread(Suspect(5));
        harness.Spread.FlushEager();
        int sameRound = harness.TakeSent().Count;
        harness.NextRound();
        harness.Spread.FlushEager();
        int nextRound = harness.TakeSent().Count;

        Assert.Equal(3, first);
        Assert.Equal(0, sameRound);
        Assert.Equal(3, nextRound);
    }

    [Fact]
    public void FlushEager_ARefutationAfterASuspicionPushInTheSameRound_StillGoesAtOnce()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPushFanout = 3 });
        harness.AddMembers(Range(2, 8));
        harness.Spread.Spread(Suspect(4));
        harness.Spread.FlushEager();
        harness.TakeSent();

        harness.Spread.Spread(Event(MembershipEventKind.Alive, 1, incarnation: 1));
        harness.Spread.FlushEager();

        Assert.Equal(3, harness.Transport.Sent.Count);
    }

    [Fact]
    public void FlushEager_AfterStopped_SendsNothing()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(Range(2, 8));
        harness.Node.Stopped = true;

        harness.Spread.Broadcast(new RumorId(new NodeId(1), 1), Payload);
        harness.Spread.Spread(Event(MembershipEventKind.Dead, 4));
        harness.Spread.FlushEager();

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void Broadcast_ANewRumor_CountsRumorsOriginatedOnce()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        var id = new RumorId(new NodeId(1), 1);

        harness.Spread.Broadcast(id, Payload);
        harness.Spread.Broadcast(id, Payload);

        Assert.Equal(1, harness.Counters.RumorsOriginated);
        Assert.Equal(1, harness.Spread.HotRumors);
        Assert.True(harness.Spread.HasSeen(id));
    }

    [Fact]
    public void Broadcast_IntoAFullBuffer_RetiresOneEarlyAndCountsALimitHit()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, MaxRumors = 2 });

        for (uint sequence = 1; sequence <= 3; sequence++)
        {
            harness.Spread.Broadcast(new RumorId(new NodeId(1), sequence), Payload);
        }

        Assert.Equal(3, harness.Counters.RumorsOriginated);
        Assert.Equal(2, harness.Spread.HotRumors);
        Assert.Equal(1, harness.Counters.RumorsRetiredEarly);
        Assert.Equal(1, harness.Counters.LimitHits);
    }

    [Fact]
    public void OnRumors_ANewRumor_CountsItAndNotifiesTheApplication()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 16 });
        harness.AddMembers(2);
        harness.Events.DrainEvents();
        var id = new RumorId(new NodeId(2), 9);

        DeliverRumors(harness, (id, Payload));

        Assert.Equal(1, harness.Counters.RumorsReceived);
        Assert.True(harness.Spread.HasSeen(id));
        Assert.Equal(1, harness.Spread.HotRumors);
        GossipEvent notified = Assert.Single(harness.Events.DrainEvents());
        Assert.Equal(GossipEventKind.RumorReceived, notified.Kind);
        Assert.Equal(id, notified.Rumor);
        Assert.Equal(Payload, notified.Payload.ToArray());
    }

    [Fact]
    public void OnRumors_ADuplicate_NeitherCountsNorNotifies()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 16 });
        var id = new RumorId(new NodeId(2), 9);
        DeliverRumors(harness, (id, Payload));
        harness.Events.DrainEvents();

        DeliverRumors(harness, (id, Payload));

        Assert.Equal(1, harness.Counters.RumorsReceived);
        Assert.Empty(harness.Events.DrainEvents());
    }

    [Fact]
    public void OnRumors_OurOwnRumor_NeitherCountsNorNotifiesNorSpreads()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 16 });

        DeliverRumors(harness, (new RumorId(new NodeId(1), 9), Payload));

        Assert.Equal(0, harness.Counters.RumorsReceived);
        Assert.Equal(0, harness.Spread.HotRumors);
        Assert.Empty(harness.Events.DrainEvents());
    }

    [Fact]
    public void OnRumors_WithNotificationsOff_CountsButNotifiesNothing()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false, EventCapacity = 0 });

        DeliverRumors(harness, (new RumorId(new NodeId(2), 9), Payload));

        Assert.Equal(1, harness.Counters.RumorsReceived);
        Assert.False(harness.Events.Enabled);
        Assert.Empty(harness.Events.DrainEvents());
    }

    [Fact]
    public void OnRumorPull_FromAnAskerWithAnotherDigest_AnswersWithTheHotRumors()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        var id = new RumorId(new NodeId(1), 1);
        harness.Spread.Broadcast(id, Payload);

        harness.Spread.OnRumorPull(new RumorPull(HotDigest: 0, Budget: 1_400), ComponentHarness.AddressOf(2), new NodeId(2));

        SentFrame answer = Assert.Single(harness.Transport.Sent);
        Assert.Equal(ComponentHarness.AddressOf(2), answer.Destination);
        Assert.Equal([id], ComponentHarnessExchangeExtensions.ReadRumorIds(harness.Section(answer, MessageType.Rumors), harness.Node.Limits));
    }

    [Fact]
    public void OnRumorPull_FromAnAskerWithOurDigest_AnswersNothing()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        var id = new RumorId(new NodeId(1), 1);
        harness.Spread.Broadcast(id, Payload);

        harness.Spread.OnRumorPull(new RumorPull(HotDigest: id.Hash, Budget: 1_400), ComponentHarness.AddressOf(2), new NodeId(2));
        harness.Spread.OnRumorPull(new RumorPull(HotDigest: 0, Budget: 1_400), ComponentHarness.AddressOf(2), new NodeId(2));
        var idle = new ComponentHarness();
        idle.Spread.OnRumorPull(new RumorPull(HotDigest: 12345, Budget: 1_400), ComponentHarness.AddressOf(2), new NodeId(2));

        Assert.Single(harness.Transport.Sent);
        Assert.Empty(idle.Transport.Sent);
    }

    [Fact]
    public void WritePiggyback_WhileRumorsAreHot_GivesEventsAtMostHalfTheRoom()
    {
        const int Room = 1_000;
        var withRumor = new ComponentHarness(new GossipOptions { EagerPush = false });
        var eventsOnly = new ComponentHarness(new GossipOptions { EagerPush = false });
        foreach (ComponentHarness harness in new[] { withRumor, eventsOnly })
        {
            for (ulong subject = 100; subject < 160; subject++)
            {
                harness.Spread.Spread(Suspect(subject));
            }
        }

        withRumor.Spread.Broadcast(new RumorId(new NodeId(1), 1), new byte[100]);

        List<(MessageType Type, byte[] Payload)> mixed = Piggyback(withRumor, Room);
        List<(MessageType Type, byte[] Payload)> plain = Piggyback(eventsOnly, Room);
        int oneEvent = EventSize(Suspect(100));

        Assert.True(Single(mixed, MessageType.Membership).Length <= (Room / 2) + oneEvent);
        Assert.Single(ComponentHarnessExchangeExtensions.ReadRumorIds(Single(mixed, MessageType.Rumors), withRumor.Node.Limits));
        Assert.True(Single(plain, MessageType.Membership).Length > Room - (2 * oneEvent));
    }

    [Fact]
    public void WritePiggyback_WithoutRumors_LeavesHotRumorsUnsentAndUnspent()
    {
        var harness = new ComponentHarness(new GossipOptions { EagerPush = false });
        harness.Spread.Broadcast(new RumorId(new NodeId(1), 1), Payload);

        for (int i = 0; i < 2 * harness.Spread.RetransmitLimit; i++)
        {
            Assert.Empty(Piggyback(harness, rumors: false));
        }

        Assert.Equal(1, harness.Spread.HotRumors);
    }

    internal static MembershipEvent Event(MembershipEventKind kind, ulong subject, uint incarnation = 0) =>
        new(kind, new NodeId(subject), 1, incarnation, new NodeId(1), ComponentHarness.AddressOf(subject));

    internal static MembershipEvent Suspect(ulong subject) => Event(MembershipEventKind.Suspect, subject);

    private static ulong[] Range(ulong first, int count) => Enumerable.Range(0, count).Select(i => first + (ulong)i).ToArray();

    private static byte[] Single(List<(MessageType Type, byte[] Payload)> sections, MessageType type) => Assert.Single(sections, s => s.Type == type).Payload;

    private static int EventSize(MembershipEvent e)
    {
        var writer = new GossipWriter(new byte[256]);
        Assert.True(e.TryWrite(ref writer));
        return writer.Position;
    }

    private static void DeliverRumors(ComponentHarness harness, params (RumorId Id, byte[] Payload)[] rumors)
    {
        var reader = new GossipReader(ComponentHarnessExchangeExtensions.RumorsPayload(rumors));
        harness.Spread.OnRumors(ref reader);
    }

    private static List<(MessageType Type, byte[] Payload)> Piggyback(ComponentHarness harness, int room = 1_200, bool rumors = true)
    {
        var writer = new GossipWriter(new byte[room]);
        var sections = new SectionWriter();
        harness.Spread.WritePiggyback(ref writer, ref sections, rumors);
        return sections.Count == 0 ? [] : ComponentHarnessExchangeExtensions.ReadCompound(writer.Written, harness.Node.Limits);
    }
}
