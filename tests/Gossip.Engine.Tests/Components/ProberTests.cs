using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// The failure detector alone: when it probes, how a silent member goes from ping to ping-req to suspicion to death,
/// what clears a probe or a suspicion, how independent reporters shorten a suspicion, and the probes it runs for others.
/// </summary>
public sealed class ProberTests
{
    [Fact]
    public void Start_FirstProbeRound_IsDrawnFromOneToProbeEveryRounds()
    {
        var firstRounds = new HashSet<long>();
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var harness = new ComponentHarness(seed: seed);
            harness.AddMembers(2);
            harness.Prober.Start();

            (long round, _) = StepUntilPing(harness);

            Assert.InRange(round, 1, harness.Options.ProbeEveryRounds);
            firstRounds.Add(round);
        }

        // Drawn, not fixed: nodes started together do not probe in lock-step.
        Assert.Equal(Enumerable.Range(1, new GossipOptions().ProbeEveryRounds).Select(r => (long)r), firstRounds.Order());
    }

    [Fact]
    public void Step_WhenItsRoundComes_PingsTheNextMemberWithOurHeartbeatAndThenWaitsProbeEveryRounds()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.Self.Heartbeat = 17;
        harness.Prober.Start();

        (long first, SentFrame ping) = StepUntilPing(harness);
        Assert.Equal(target.Address, ping.Destination);
        Assert.Equal(17UL, harness.PingIn(ping).Heartbeat);
        harness.Prober.OnAck(new Ack(harness.PingIn(ping).Sequence, 1, 0, 0), harness.HeaderFrom(2, MessageType.Ack), target);

        (long second, SentFrame next) = StepUntilPing(harness);
        Assert.Equal(first + harness.Options.ProbeEveryRounds, second);
        Assert.NotEqual(harness.PingIn(ping).Sequence, harness.PingIn(next).Sequence);
    }

    [Fact]
    public void Step_NoAckWithinProbeTimeout_SendsPingReqsToIndirectProbesHelpersNeverTheTarget()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var harness = new ComponentHarness(seed: seed);
            harness.AddMembers(2, 3, 4, 5, 6);
            harness.Prober.Start();
            (long sent, SentFrame ping) = StepUntilPing(harness);
            Member target = MemberAt(harness, ping.Destination);
            uint sequence = harness.PingIn(ping).Sequence;

            StepTo(harness, sent + harness.Options.ProbeTimeoutRounds - 1);
            Assert.DoesNotContain(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.PingReq));

            StepTo(harness, sent + harness.Options.ProbeTimeoutRounds);
            List<SentFrame> requests = harness.Transport.Sent.Where(frame => harness.Carries(frame, MessageType.PingReq)).ToList();
            Assert.Equal(harness.Options.IndirectProbes, requests.Count);
            Assert.Equal(requests.Count, requests.Select(frame => frame.Destination).Distinct().Count());
            Assert.All(requests, frame => Assert.NotEqual(target.Address, frame.Destination));
            Assert.All(requests, frame => Assert.Equal(new PingReq(sequence, target.Id, target.Address), harness.PingReqIn(frame)));
        }
    }

    [Fact]
    public void Step_NoAckAfterTwiceTheTimeout_SuspectsTheTargetAndRaisesLocalHealth()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.Prober.Start();
        (long sent, _) = StepUntilPing(harness);
        harness.TakeQueuedEvents();
        harness.TakeNotifications();

        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds) - 1);
        Assert.Equal(MemberStatus.Alive, target.Status);

        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(1, harness.Counters.Suspicions);
        Assert.Equal(1, harness.Health.Score);
        Assert.Contains(new MembershipEvent(MembershipEventKind.Suspect, target.Id, 1, 0, harness.Self.Id, target.Address), harness.TakeQueuedEvents());
        Assert.Contains(harness.TakeNotifications(), n => n.Kind == GossipEventKind.MemberSuspect && n.Member == target.Id);
    }

    [Fact]
    public void OnAck_MatchingSequenceFromTheTarget_ClearsTheProbeAndLowersLocalHealth()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.Health.ProbeFailed();
        harness.Prober.Start();
        (long sent, SentFrame ping) = StepUntilPing(harness);

        harness.Prober.OnAck(new Ack(harness.PingIn(ping).Sequence, 5, 0, 0), harness.HeaderFrom(2, MessageType.Ack), target);
        StepTo(harness, sent + 1);
        Assert.Equal(0, harness.Health.Score);

        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));
        Assert.DoesNotContain(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.PingReq));
        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Counters.Suspicions);
        Assert.Equal(5UL, target.Heartbeat);
    }

    [Fact]
    public void OnAck_RightSequenceFromAnotherSender_DoesNotClearTheProbe()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);
        harness.Prober.Start();
        (long sent, SentFrame ping) = StepUntilPing(harness);
        Member target = MemberAt(harness, ping.Destination);
        Member other = harness.Member(target.Id.Value == 2 ? 3UL : 2UL);

        bool relayed = harness.Prober.OnAck(new Ack(harness.PingIn(ping).Sequence, 5, 0, 0), harness.HeaderFrom(other.Id.Value, MessageType.Ack), other);
        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));

        Assert.False(relayed);
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(1, harness.Counters.Suspicions);
    }

    [Fact]
    public void OnRelayedAck_ForTheTargetWithOurSequence_ClearsTheProbe()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3, 4);
        harness.Prober.Start();
        (long sent, SentFrame ping) = StepUntilPing(harness);
        Member target = MemberAt(harness, ping.Destination);
        StepTo(harness, sent + harness.Options.ProbeTimeoutRounds);

        harness.Prober.OnRelayedAck(new RelayedAck(harness.PingIn(ping).Sequence, target.Id, 9));
        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));

        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Counters.Suspicions);
        Assert.Equal(9UL, target.Heartbeat);
    }

    [Fact]
    public void OnPingReq_ForAnotherMember_PingsItAndRelaysItsLaterAckToTheRequester()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);
        harness.Self.Heartbeat = 4;

        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);
        SentFrame ping = Assert.Single(harness.Transport.Sent);
        Assert.Equal(members[1].Address, ping.Destination);
        Ping sent = harness.PingIn(ping);
        Assert.Equal(4UL, sent.Heartbeat);
        harness.Transport.Sent.Clear();

        bool relayed = harness.Prober.OnAck(new Ack(sent.Sequence, 12, 0, 0), harness.HeaderFrom(3, MessageType.Ack), members[1]);

        Assert.True(relayed);
        SentFrame relay = Assert.Single(harness.Transport.Sent);
        Assert.Equal(members[0].Address, relay.Destination);
        Assert.Equal(new RelayedAck(77, members[1].Id, 12), harness.RelayedAckIn(relay));
    }

    [Fact]
    public void OnPingReq_TargetSilentForFourFifthsOfATimeout_NacksTheRequesterOnce()
    {
        var harness = new ComponentHarness(new GossipOptions { ProbeTimeoutRounds = 5, ProbeEveryRounds = 10 });
        Member[] members = harness.AddMembers(2, 3);
        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);
        harness.Transport.Sent.Clear();

        StepTo(harness, 3);
        Assert.DoesNotContain(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.Nack));

        StepTo(harness, 4);
        SentFrame nack = Assert.Single(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.Nack));
        Assert.Equal(members[0].Address, nack.Destination);
        Assert.Equal(new Nack(77, members[1].Id), harness.NackIn(nack));

        harness.Transport.Sent.Clear();
        StepTo(harness, 20);
        Assert.DoesNotContain(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.Nack));
    }

    [Fact]
    public void OnPingReq_TargetAckedInTime_IsRelayedAndNeverNacked()
    {
        var harness = new ComponentHarness(new GossipOptions { ProbeTimeoutRounds = 5, ProbeEveryRounds = 10 });
        Member[] members = harness.AddMembers(2, 3);
        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);
        Ping sent = harness.PingIn(Assert.Single(harness.Transport.Sent));
        Assert.True(harness.Prober.OnAck(new Ack(sent.Sequence, 12, 0, 0), harness.HeaderFrom(3, MessageType.Ack), members[1]));
        harness.Transport.Sent.Clear();

        StepTo(harness, 20);

        Assert.DoesNotContain(harness.Transport.Sent, frame => harness.Carries(frame, MessageType.Nack));
    }

    [Theory]
    [InlineData(false, false, 2)] // no nack: the failure may well be ours, doubt ourselves twice
    [InlineData(true, false, 1)] // a helper's nack: our path works, only the failed probe counts
    [InlineData(true, true, 2)] // a "nack" from an outsider proves nothing
    public void FailedProbe_WithHelpersAsked_RaisesLocalHealthOnceMoreWhenNoMemberNacked(bool nacked, bool fromOutsider, int expectedScore)
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3, 4, 5);
        harness.Prober.Start();
        (long sent, SentFrame ping) = StepUntilPing(harness);
        Member target = MemberAt(harness, ping.Destination);
        StepTo(harness, sent + harness.Options.ProbeTimeoutRounds);
        Member helper = harness.Member(target.Id.Value == 2 ? 3UL : 2UL);

        if (nacked)
        {
            harness.Prober.OnNack(new Nack(harness.PingIn(ping).Sequence, target.Id), fromOutsider ? null : helper);
        }

        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(expectedScore, harness.Health.Score);
    }

    [Fact]
    public void OnAck_ForARelayedProbeFromAnotherSender_IsNotRelayed()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);
        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);
        Ping sent = harness.PingIn(Assert.Single(harness.Transport.Sent));
        harness.Transport.Sent.Clear();

        bool relayed = harness.Prober.OnAck(new Ack(sent.Sequence, 12, 0, 0), harness.HeaderFrom(2, MessageType.Ack), members[0]);

        Assert.False(relayed);
        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void OnPingReq_NamingThisNode_IsRefused()
    {
        var harness = new ComponentHarness();
        Member requester = harness.AddMembers(2)[0];

        harness.Prober.OnPingReq(new PingReq(77, harness.Self.Id, harness.Self.Address), requester.Address, requester.Id, verifiedRequester: true, trusted: false);

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void Step_SuspicionDeadlinePasses_DeclaresTheMemberDeadAndSpreadsIt()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        long start = harness.NextRound();
        harness.Prober.SuspectLocally(target);
        long deadline = target.Suspicion!.DeadlineRound;
        Assert.Equal(start + DeadlineAfter(harness, confirmations: 1), deadline);
        harness.TakeQueuedEvents();
        harness.TakeNotifications();

        StepTo(harness, deadline - 1);
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(0, harness.Counters.DeathsDeclared);

        StepTo(harness, deadline);
        Assert.Equal(MemberStatus.Dead, target.Status);
        Assert.Equal(1, harness.Counters.DeathsDeclared);
        Assert.Contains(target, harness.Members.Down);
        Assert.Null(target.Suspicion);
        Assert.Contains(new MembershipEvent(MembershipEventKind.Dead, target.Id, 1, 0, harness.Self.Id, target.Address), harness.TakeQueuedEvents());
        Assert.Contains(harness.TakeNotifications(), n => n.Kind == GossipEventKind.MemberDead && n.Member == target.Id);
    }

    [Fact]
    public void Step_SuspicionDeadlinePassesWhileBehindOnInput_PutsOffTheVerdictAndTheRefutationWaitingThereClearsIt()
    {
        // The suspect's refutation is among the frames still waiting: no verdict while they wait, however long.
        (ComponentHarness harness, Member target, long deadline) = SuspectedAndBehindPastTheDeadline(10);
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(0, harness.Counters.DeathsDeclared);
        // One a round past the deadline at least (the member's scheduled probes, failing meanwhile, are put off too).
        Assert.True(harness.Counters.VerdictsDeferred >= 11, $"{harness.Counters.VerdictsDeferred} verdicts put off");

        // Handled at last: its heartbeat advanced since the suspicion began, so it is alive, and nobody was told otherwise.
        harness.BehindOnInput = false;
        harness.Members.HearHeartbeat(target, target.Generation, 9);
        StepTo(harness, deadline + 11);
        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Counters.DeathsDeclared);
        Assert.DoesNotContain(harness.TakeNotifications(), n => n.Kind == GossipEventKind.MemberDead);
    }

    [Fact]
    public void Step_SuspicionDeadlinePassedWhileBehind_IsDeclaredAtTheFirstRoundThatFindsTheInputHandled()
    {
        (ComponentHarness harness, Member target, long deadline) = SuspectedAndBehindPastTheDeadline(2);

        harness.BehindOnInput = false;
        StepTo(harness, deadline + 3);

        Assert.Equal(MemberStatus.Dead, target.Status);
        Assert.Equal(1, harness.Counters.DeathsDeclared);
        Assert.True(harness.Counters.VerdictsDeferred >= 3, $"{harness.Counters.VerdictsDeferred} verdicts put off");
    }

    [Fact]
    public void Step_ProbeTimesOutWhileBehindOnInput_SuspectsNobodyAndTheAckWaitingThereClearsTheProbe()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.Prober.Start();
        (long sent, SentFrame ping) = StepUntilPing(harness);

        harness.BehindOnInput = true;
        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds));
        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Health.Score);
        Assert.Equal(1, harness.Counters.VerdictsDeferred);

        harness.BehindOnInput = false;
        harness.Prober.OnAck(new Ack(harness.PingIn(ping).Sequence, 5, 0, 0), harness.HeaderFrom(2, MessageType.Ack), target);
        StepTo(harness, sent + (2 * harness.Options.ProbeTimeoutRounds) + 1);
        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Counters.Suspicions);
    }

    [Fact]
    public void Step_FailedProbeOfAMemberWeAlreadySuspect_CountsNoNewSuspicion()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.NextRound();
        harness.Prober.SuspectLocally(target);
        long deadline = target.Suspicion!.DeadlineRound;

        // The only member is probed (and fails to answer) while the suspicion runs; the suspicion is the same one.
        StepTo(harness, deadline - 1);

        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(deadline, target.Suspicion.DeadlineRound);
        Assert.Equal(1, harness.Counters.Suspicions);
    }

    [Fact]
    public void Step_HeartbeatAdvancedInItsOwnFrameAfterTheSuspicionStarted_ClearsTheSuspicion()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.NextRound();
        harness.Prober.SuspectLocally(target);
        harness.TakeNotifications();

        long round = harness.NextRound();
        harness.Members.HearHeartbeat(target, target.Generation, 5);
        harness.Prober.Step(round);

        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Null(target.Suspicion);
        Assert.Contains(harness.TakeNotifications(), n => n.Kind == GossipEventKind.MemberAlive && n.Member == target.Id);
    }

    [Fact]
    public void Step_HeartbeatAdvancedOnlyInADigestFromOthers_KeepsTheSuspicion()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.NextRound();
        harness.Prober.SuspectLocally(target);

        long round = harness.NextRound();
        harness.Members.ObserveHeartbeat(target, target.Generation, 5); // second-hand: may be from before its end
        harness.Prober.Step(round);

        Assert.Equal(5UL, target.Heartbeat);
        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.NotNull(target.Suspicion);
    }

    [Fact]
    public void Step_HeartbeatSeenOnlyInTheRoundTheSuspicionStarted_KeepsTheSuspicion()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        long round = harness.NextRound();
        harness.Prober.SuspectLocally(target);
        harness.Members.HearHeartbeat(target, target.Generation, 5);

        harness.Prober.Step(round);

        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.NotNull(target.Suspicion);
    }

    [Fact]
    public void Step_AProbeTimeoutBeforeTheDeadline_PingsTheSuspectWithTheSuspicionAndItsAckSparesIt()
    {
        // Probes so rare that no scheduled one reaches the suspect while it is suspected (the next goes to member 3):
        // the last check is the only contact, as for the node that declared a live one dead in chaos seed 889.
        (ComponentHarness harness, Member target, long deadline) = SuspectedAfterOneAnsweredProbe();
        int timeout = harness.Options.ProbeTimeoutRounds;
        harness.Transport.Sent.Clear();

        StepTo(harness, deadline - timeout - 1);
        Assert.Empty(harness.SentTo(target.Address));

        StepTo(harness, deadline - timeout);
        SentFrame check = Assert.Single(harness.SentTo(target.Address));
        Assert.Equal([new MembershipEvent(MembershipEventKind.Suspect, target.Id, 1, 0, harness.Self.Id, target.Address)], harness.EventsIn(check));
        harness.Prober.OnAck(new Ack(harness.PingIn(check).Sequence, 2, 0, 0), harness.HeaderFrom(target.Id.Value, MessageType.Ack), target);

        StepTo(harness, deadline);
        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Equal(0, harness.Counters.DeathsDeclared);
    }

    [Fact]
    public void Step_LastCheckBeforeTheDeadline_CarriesNoOtherNewsAndGoesOutOnce()
    {
        (ComponentHarness harness, Member target, long deadline) = SuspectedAfterOneAnsweredProbe();
        harness.Transport.Sent.Clear();

        // The suspicion is hot news, and the check goes to a member that has most likely crashed: spending a
        // transmission of the news there would slow its spread to the live ones.
        StepTo(harness, deadline - 1);
        SentFrame check = Assert.Single(harness.SentTo(target.Address));
        Assert.Equal([MessageType.Ping, MessageType.Membership], harness.Sections(check).Select(section => section.Type));
        Assert.Single(harness.EventsIn(check));

        StepTo(harness, deadline);
        Assert.Equal(MemberStatus.Dead, target.Status);
    }

    [Fact]
    public void OnFrameFrom_ASuspect_TellsItOfTheSuspicionAtItsKnownAddressAtMostOnceARound()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);
        Member target = harness.Member(2);
        Member other = harness.Member(3);
        harness.NextRound();
        harness.Prober.SuspectLocally(target);
        harness.Transport.Sent.Clear();

        harness.Prober.OnFrameFrom(target, harness.HeaderFrom(2, MessageType.RumorPull));
        harness.Prober.OnFrameFrom(target, harness.HeaderFrom(2, MessageType.Membership));
        harness.Prober.OnFrameFrom(other, harness.HeaderFrom(3, MessageType.RumorPull));
        harness.Prober.OnFrameFrom(target, harness.HeaderFrom(2, MessageType.RumorPull, generation: 2));

        SentFrame notice = Assert.Single(harness.Transport.Sent);
        Assert.Equal(target.Address, notice.Destination);
        Assert.Equal([new MembershipEvent(MembershipEventKind.Suspect, target.Id, 1, 0, harness.Self.Id, target.Address)], harness.EventsIn(notice));

        harness.NextRound();
        harness.Prober.OnFrameFrom(target, harness.HeaderFrom(2, MessageType.RumorPull));
        Assert.Equal(2, harness.SentTo(target.Address).Count);
    }

    [Fact]
    public void OnSuspect_EachNewIndependentReporter_ShortensTheDeadlineARepeatedOneNeitherShortensNorRespreads()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2, 3, 4, 5, 6, 7, 8, 9, 10)[0];
        harness.NextRound();

        harness.Prober.OnSuspect(SuspectFrom(target, 5), target, fromPeer: true);
        long one = target.Suspicion!.DeadlineRound;
        harness.Prober.OnSuspect(SuspectFrom(target, 6), target, fromPeer: true);
        long two = target.Suspicion.DeadlineRound;
        harness.TakeQueuedEvents();
        harness.Prober.OnSuspect(SuspectFrom(target, 6), target, fromPeer: true);
        long repeated = target.Suspicion.DeadlineRound;
        List<MembershipEvent> respread = harness.TakeQueuedEvents();
        harness.Prober.OnSuspect(SuspectFrom(target, 7), target, fromPeer: true);
        long three = target.Suspicion.DeadlineRound;

        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(1 + DeadlineAfter(harness, confirmations: 1), one);
        Assert.True(two < one, $"second reporter: {two} should be before {one}");
        Assert.Equal(two, repeated);
        Assert.Empty(respread);
        Assert.True(three < two, $"third reporter: {three} should be before {two}");
        Assert.Equal(1 + harness.Options.ProbeEveryRounds, three); // the minimum: one probe interval
    }

    [Fact]
    public void OnSuspect_AtAnIncarnationBelowTheKnownOne_IsIgnored()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        target.Incarnation = 5;

        harness.Prober.OnSuspect(new MembershipEvent(MembershipEventKind.Suspect, target.Id, 1, 4, new NodeId(3), target.Address), target, fromPeer: true);

        Assert.Equal(MemberStatus.Alive, target.Status);
        Assert.Null(target.Suspicion);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void OnSuspect_AtAHigherIncarnation_SuspectsAtThatIncarnationAndSpreadsIt()
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        MembershipEvent suspect = new(MembershipEventKind.Suspect, target.Id, 1, 3, new NodeId(3), target.Address);

        harness.Prober.OnSuspect(suspect, target, fromPeer: true);

        Assert.Equal(MemberStatus.Suspect, target.Status);
        Assert.Equal(3U, target.Incarnation);
        Assert.Equal([suspect], harness.TakeQueuedEvents());
    }

    [Fact]
    public void OnPing_FromAMember_AnswersWithAnAckCarryingOurHeartbeatAndTableHash()
    {
        var harness = new ComponentHarness();
        Member sender = harness.AddMembers(2)[0];
        harness.Self.Heartbeat = 42;

        harness.Prober.OnPing(new Ping(9, 7), harness.HeaderFrom(2, MessageType.Ping), sender, sender.Address);

        SentFrame answer = Assert.Single(harness.Transport.Sent);
        Assert.Equal(sender.Address, answer.Destination);
        Assert.Equal(new Ack(9, 42, (uint)harness.Members.Table.Hash, harness.Spread.BroadcastSummary), harness.AckIn(answer));
        Assert.Equal(7UL, sender.Heartbeat);
    }

    /// <summary>Probes so rare that no scheduled one reaches the suspect again: one answered probe, then our own suspicion of it.</summary>
    private static (ComponentHarness Harness, Member Target, long Deadline) SuspectedAfterOneAnsweredProbe()
    {
        var harness = new ComponentHarness(new GossipOptions { ProbeEveryRounds = 1_000, SuspicionMultiplier = 1 });
        harness.AddMembers(2, 3);
        (_, SentFrame first) = StepUntilPing(harness);
        Member target = MemberAt(harness, first.Destination);
        harness.Prober.OnAck(new Ack(harness.PingIn(first).Sequence, 1, 0, 0), harness.HeaderFrom(target.Id.Value, MessageType.Ack), target);
        harness.Prober.Step(harness.NextRound());
        harness.Prober.SuspectLocally(target);
        long deadline = target.Suspicion!.DeadlineRound;
        return (harness, target, deadline);
    }

    private static MembershipEvent SuspectFrom(Member target, ulong reporter) =>
        new(MembershipEventKind.Suspect, target.Id, target.Generation, target.Incarnation, new NodeId(reporter), target.Address);

    private static int DeadlineAfter(ComponentHarness harness, int confirmations)
    {
        GossipOptions options = harness.Options;
        return Formulas.SuspicionTimeoutRounds(
            options.SuspicionMultiplier, harness.Members.Table.LiveCount, options.ProbeEveryRounds, options.ProbeTimeoutRounds, confirmations, options.SuspicionConfirmations);
    }

    private static Member MemberAt(ComponentHarness harness, WireAddress address)
    {
        for (int i = 0; i < harness.Members.Table.Count; i++)
        {
            if (harness.Members.Table[i].Address == address)
            {
                return harness.Members.Table[i];
            }
        }

        throw new InvalidOperationException($"no member at {address}");
    }

    /// <summary>Runs the prober round by round until it sends a ping; the transport then holds only that ping.</summary>
    /// <summary>The only member suspected, and the node behind on its input until <paramref name="roundsPast"/> rounds past the suspicion's deadline.</summary>
    private static (ComponentHarness Harness, Member Target, long Deadline) SuspectedAndBehindPastTheDeadline(int roundsPast)
    {
        var harness = new ComponentHarness();
        Member target = harness.AddMembers(2)[0];
        harness.NextRound();
        harness.Prober.SuspectLocally(target);
        long deadline = target.Suspicion!.DeadlineRound;
        harness.BehindOnInput = true;
        StepTo(harness, deadline + roundsPast);
        return (harness, target, deadline);
    }

    private static (long Round, SentFrame Ping) StepUntilPing(ComponentHarness harness)
    {
        for (int i = 0; i < 1_000; i++)
        {
            harness.Transport.Sent.Clear();
            harness.Time.Advance(harness.Options.GossipInterval);
            long round = harness.NextRound();
            harness.Prober.Step(round);
            if (harness.Transport.Sent.FirstOrDefault(frame => harness.Carries(frame, MessageType.Ping)) is { } ping)
            {
                return (round, ping);
            }
        }

        throw new InvalidOperationException("no ping was sent");
    }

    /// <summary>Runs the prober round by round up to and including <paramref name="round"/>.</summary>
    /// <summary>Runs the prober's rounds up to <paramref name="round"/>, with the clock moving as the round timer would.</summary>
    private static void StepTo(ComponentHarness harness, long round)
    {
        while (harness.Node.Round < round)
        {
            harness.Time.Advance(harness.Options.GossipInterval);
            harness.Prober.Step(harness.NextRound());
        }
    }
}
