using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// How membership news is believed, alone: joins and alive notices, restarts, revivals, deaths and departures, the
/// correction sent to a peer that missed a refutation, refutations of news about this node, notices forwarded from a
/// partial view, and this node's own departure.
/// </summary>
public sealed class MembershipRulesTests
{
    private static readonly NodeId Peer = new(7);

    [Theory]
    [InlineData(MembershipEventKind.Join)]
    [InlineData(MembershipEventKind.Alive)]
    public void Apply_JoinOrAliveOfAnUnknownMember_AddsItAliveAndSpreadsIt(MembershipEventKind kind)
    {
        var harness = new ComponentHarness();
        var notice = new MembershipEvent(kind, new NodeId(5), 1, 2, Peer, ComponentHarness.AddressOf(5));

        harness.Rules.Apply(notice, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Member added = harness.Member(5);
        Assert.Equal(MemberStatus.Alive, added.Status);
        Assert.Equal(2U, added.Incarnation);
        Assert.Equal(ComponentHarness.AddressOf(5), added.Address);
        Assert.Equal([notice], harness.TakeQueuedEvents());
        harness.AssertTableConsistent();
    }

    [Fact]
    public void Apply_JoinOfAnUnknownMemberWithoutAnAddress_DoesNotAddIt()
    {
        var harness = new ComponentHarness();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, new NodeId(5), 1, 0, Peer, default), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.False(harness.Members.TryGet(new NodeId(5), out _));
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_AliveAtAHigherGeneration_RestartsTheMemberWithItsStateClearedAndItsNewAddress()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "k", new StateEntry([1], 3, false));
        member.Incarnation = 4;
        member.Heartbeat = 50;
        harness.Members.MarkDown(member, MemberStatus.Dead);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 2, 0, member.Id, ComponentHarness.AddressOf(9)), FrameOrigin.Relayed(ComponentHarness.AddressOf(9)));

        Assert.Equal(2U, member.Generation);
        Assert.Equal(0U, member.Incarnation);
        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(0UL, member.MaxVersion);
        Assert.Equal(0UL, member.Heartbeat);
        Assert.Empty(member.State);
        Assert.Equal(ComponentHarness.AddressOf(9), member.Address);
        Assert.Contains(harness.TakeQueuedEvents(), e => e.Subject == member.Id && e.Generation == 2);
        harness.AssertTableConsistent();
    }

    [Fact]
    public void Apply_AliveAtAHigherGenerationWithoutAnAddress_KeepsTheKnownAddress()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 2, 0, member.Id, default), new FrameOrigin(member.Id, 2, member.Address, false, member.Address));

        Assert.Equal(2U, member.Generation);
        Assert.Equal(ComponentHarness.AddressOf(2), member.Address);
    }

    [Theory]
    [InlineData(MemberStatus.Suspect)]
    [InlineData(MemberStatus.Dead)]
    public void Apply_AliveAtAHigherIncarnation_RevivesASuspectOrDeadMemberAndPushesItAtOnce(MemberStatus status)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2, 3, 4)[0];
        if (status == MemberStatus.Dead)
        {
            harness.Members.MarkDown(member, MemberStatus.Dead);
        }
        else
        {
            harness.Members.SetStatus(member, status);
        }

        harness.TakeNotifications();
        var alive = new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 1, member.Id, member.Address);

        harness.Rules.Apply(alive, FrameOrigin.Relayed(ComponentHarness.AddressOf(3)));
        harness.Spread.FlushEager();

        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(1U, member.Incarnation);
        Assert.Contains(harness.TakeNotifications(), n => n.Kind == GossipEventKind.MemberAlive && n.Member == member.Id);
        Assert.NotEmpty(harness.Transport.Sent);
        Assert.All(harness.Transport.Sent, frame => Assert.Contains(alive, harness.EventsIn(frame)));
        harness.AssertTableConsistent();
    }

    [Fact]
    public void Apply_AliveAtAHigherIncarnationOfAnAliveMember_RaisesItsIncarnationAndSpreadsItWithoutEagerPush()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2, 3, 4)[0];
        var alive = new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 1, member.Id, member.Address);

        harness.Rules.Apply(alive, FrameOrigin.Relayed(ComponentHarness.AddressOf(3)));
        harness.Spread.FlushEager();

        Assert.Equal(1U, member.Incarnation);
        Assert.Empty(harness.Transport.Sent);
        Assert.Equal([alive], harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_AliveFromAnotherReporterAtAnyIncarnation_NeverRevivesALeftMember()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        harness.Members.MarkDown(member, MemberStatus.Left);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 9, Peer, member.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(MemberStatus.Left, member.Status);
        Assert.Equal(0U, member.Incarnation);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Theory]
    [InlineData(2U)]
    [InlineData(1U)]
    public void Apply_ReplayedAliveOfTheMemberItselfNotAboveItsLeaveIncarnation_DoesNotReviveIt(uint incarnation)
    {
        // A member that really left announced its goodbye at its last incarnation; any Alive it ever sent is at or below.
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        member.Incarnation = 2;
        harness.Members.MarkDown(member, MemberStatus.Left);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, incarnation, member.Id, member.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(MemberStatus.Left, member.Status);
        Assert.Equal(2U, member.Incarnation);
    }

    [Fact]
    public void Apply_AliveFromTheMemberItselfAtAHigherIncarnation_RevivesALeftMember()
    {
        // The member refutes a departure it never announced (a forged or replayed Leave).
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        harness.Members.MarkDown(member, MemberStatus.Left);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 1, member.Id, member.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(1U, member.Incarnation);
    }

    [Theory]
    [InlineData(MembershipEventKind.Dead, 3U, MemberStatus.Dead)]
    [InlineData(MembershipEventKind.Dead, 4U, MemberStatus.Dead)]
    [InlineData(MembershipEventKind.Leave, 3U, MemberStatus.Left)]
    [InlineData(MembershipEventKind.Leave, 4U, MemberStatus.Left)]
    [InlineData(MembershipEventKind.Leave, 2U, MemberStatus.Alive)]
    public void Apply_DeadOrLeaveAboutALiveMember_IsAcceptedOnlyAtOrAboveTheKnownIncarnation(MembershipEventKind kind, uint incarnation, MemberStatus expected)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        member.Incarnation = 3;
        var notice = new MembershipEvent(kind, member.Id, 1, incarnation, Peer, member.Address);

        harness.Rules.Apply(notice, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(expected, member.Status);
        bool accepted = expected != MemberStatus.Alive;
        Assert.Equal(accepted, harness.Members.Down.Contains(member));
        Assert.Equal(accepted ? [notice] : [], harness.TakeQueuedEvents());
        harness.AssertTableConsistent();
    }

    [Theory]
    [InlineData(MemberStatus.Dead, MembershipEventKind.Leave)]
    [InlineData(MemberStatus.Left, MembershipEventKind.Dead)]
    public void Apply_DeadOrLeaveAboutAMemberAlreadyDown_IsIgnored(MemberStatus status, MembershipEventKind kind)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        harness.Members.MarkDown(member, status);

        harness.Rules.Apply(new MembershipEvent(kind, member.Id, 1, 5, Peer, member.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(status, member.Status);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_SuspectOfALiveMember_SuspectsItAndSpreadsTheSuspicion()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        var suspect = new MembershipEvent(MembershipEventKind.Suspect, member.Id, 1, 0, Peer, member.Address);

        harness.Rules.Apply(suspect, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(MemberStatus.Suspect, member.Status);
        Assert.NotNull(member.Suspicion);
        Assert.Equal([suspect], harness.TakeQueuedEvents());
    }

    [Theory]
    [InlineData(MembershipEventKind.Suspect)]
    [InlineData(MembershipEventKind.Dead)]
    public void Apply_SuspectOrDeadBelowTheIncarnationWeKnow_SendsTheSenderAnAliveCorrection(MembershipEventKind kind)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        member.Incarnation = 3;

        harness.Rules.Apply(new MembershipEvent(kind, member.Id, 1, 2, Peer, member.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        SentFrame correction = Assert.Single(harness.Transport.Sent);
        Assert.Equal(ComponentHarness.AddressOf(7), correction.Destination);
        Assert.Equal([new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 3, harness.Self.Id, member.Address)], harness.EventsIn(correction));
        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Theory]
    [InlineData(MembershipEventKind.Suspect, 0U)]
    [InlineData(MembershipEventKind.Suspect, 4U)]
    [InlineData(MembershipEventKind.Dead, 0U)]
    [InlineData(MembershipEventKind.Dead, 4U)]
    public void Apply_SuspectOrDeadAboutThisNodeAtItsGeneration_IsRefutedWithAnIncarnationAboveTheNotice(MembershipEventKind kind, uint incarnation)
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);

        harness.Rules.Apply(new MembershipEvent(kind, harness.Self.Id, 1, incarnation, Peer, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));
        harness.Spread.FlushEager();

        var alive = new MembershipEvent(MembershipEventKind.Alive, harness.Self.Id, 1, incarnation + 1, harness.Self.Id, harness.Self.Address);
        Assert.Equal(incarnation + 1, harness.Self.Incarnation);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
        Assert.Equal(1, harness.Counters.Refutations);
        Assert.Equal(1, harness.Health.Score);
        Assert.NotEmpty(harness.Transport.Sent);
        Assert.All(harness.Transport.Sent, frame => Assert.Contains(alive, harness.EventsIn(frame)));
    }

    [Fact]
    public void Apply_NewsAboutThisNodeAtAnotherGeneration_IsIgnored()
    {
        var harness = new ComponentHarness();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, harness.Self.Id, 2, 0, Peer, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(0U, harness.Self.Incarnation);
        Assert.Equal(0, harness.Counters.Refutations);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_LeaveAboutThisNodeThatAnotherNodeSent_IsRefuted()
    {
        var harness = new ComponentHarness();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Leave, harness.Self.Id, 1, 0, Peer, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(1U, harness.Self.Incarnation);
        Assert.Equal(1, harness.Counters.Refutations);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
    }

    [Fact]
    public void Apply_LeaveNamingThisNodeAsReporterWhileItIsLive_IsRefuted()
    {
        var harness = new ComponentHarness();

        // A forged or replayed goodbye: this node has not left.
        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Leave, harness.Self.Id, 1, 0, harness.Self.Id, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(1U, harness.Self.Incarnation);
        Assert.Equal(1, harness.Counters.Refutations);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
    }

    [Fact]
    public void Apply_LeaveAboutThisNodeAfterItLeft_IsNotRefuted()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Rules.Leave();
        _ = harness.TakeQueuedEvents();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Leave, harness.Self.Id, 1, 0, harness.Self.Id, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(0, harness.Counters.Refutations);
        Assert.Equal(MemberStatus.Left, harness.Self.Status);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Theory]
    [InlineData(4U)]
    [InlineData(2U)]
    public void Apply_StaleNoticeAboutThisNode_AnswersWithTheCurrentAliveWithoutCountingARefutation(uint staleIncarnation)
    {
        var harness = new ComponentHarness();
        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Suspect, harness.Self.Id, 1, 4, Peer, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));
        harness.TakeQueuedEvents();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Suspect, harness.Self.Id, 1, staleIncarnation, Peer, harness.Self.Address), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(5U, harness.Self.Incarnation);
        Assert.Equal(1, harness.Counters.Refutations);
        Assert.Equal(1, harness.Health.Score);
        Assert.Equal([new MembershipEvent(MembershipEventKind.Alive, harness.Self.Id, 1, 5, harness.Self.Id, harness.Self.Address)], harness.TakeQueuedEvents());
    }

    [Theory]
    [InlineData(MembershipEventKind.Dead)]
    [InlineData(MembershipEventKind.Leave)]
    public void Apply_DeadOrLeaveAboutAnUnknownMemberWithAFullTable_IsForwardedOnceNotTwice(MembershipEventKind kind)
    {
        var harness = new ComponentHarness(new GossipOptions { MaxMembers = 2 });
        harness.AddMembers(2);
        var notice = new MembershipEvent(kind, new NodeId(9), 1, 0, Peer, ComponentHarness.AddressOf(9));

        harness.Rules.Apply(notice, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));
        List<MembershipEvent> first = harness.TakeQueuedEvents();
        harness.Rules.Apply(notice, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));
        List<MembershipEvent> second = harness.TakeQueuedEvents();

        Assert.Equal([notice], first);
        Assert.Empty(second);
        Assert.Equal(1, harness.Counters.NoticesForwarded);
        Assert.False(harness.Members.TryGet(notice.Subject, out _));
    }

    [Fact]
    public void Apply_DeadAboutAnUnknownMemberWithRoomInTheTable_IsNotForwarded()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, new NodeId(9), 1, 0, Peer, ComponentHarness.AddressOf(9)), FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(0, harness.Counters.NoticesForwarded);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void OnMembership_ASectionOfEvents_AppliesEveryEvent()
    {
        var harness = new ComponentHarness();
        harness.Frames.SendEvent(ComponentHarness.AddressOf(7), new NodeId(7), new MembershipEvent(MembershipEventKind.Join, new NodeId(5), 1, 0, Peer, ComponentHarness.AddressOf(5)));
        byte[] payload = Assert.Single(harness.SectionsOf(Assert.Single(harness.Transport.Sent), MessageType.Membership));

        var reader = new GossipReader(payload);
        harness.Rules.OnMembership(ref reader, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(MemberStatus.Alive, harness.Member(5).Status);
    }

    [Fact]
    public void Leave_SendsTheLeaveEventToTwiceFanoutPeersAndMarksThisNodeLeft()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        harness.Self.Incarnation = 2;
        int liveBefore = harness.Members.Table.LiveCount;

        harness.Rules.Leave();

        var leave = new MembershipEvent(MembershipEventKind.Leave, harness.Self.Id, 1, 2, harness.Self.Id, harness.Self.Address);
        List<SentFrame> sent = harness.Transport.Sent;
        Assert.Equal(2 * harness.Options.Fanout, sent.Count);
        Assert.Equal(sent.Count, sent.Select(frame => frame.Destination).Distinct().Count());
        Assert.DoesNotContain(sent, frame => frame.Destination == harness.Self.Address);
        Assert.All(sent, frame => Assert.Equal([leave], harness.EventsIn(frame)));
        Assert.Equal(MemberStatus.Left, harness.Self.Status);
        Assert.Equal(liveBefore - 1, harness.Members.Table.LiveCount);
        harness.AssertTableConsistent();
    }

    [Fact]
    public void Leave_WithFewerPeersThanTwiceFanout_SendsItToEveryLivePeer()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);

        harness.Rules.Leave();

        Assert.Equal(2, harness.Transport.Sent.Count);
        Assert.Single(harness.SentTo(ComponentHarness.AddressOf(2)));
        Assert.Single(harness.SentTo(ComponentHarness.AddressOf(3)));
    }
}
