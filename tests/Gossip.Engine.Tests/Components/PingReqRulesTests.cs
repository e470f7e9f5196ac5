using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// A helper is not a reflector: it relays a ping-req only for a requester that is a live member at the address the
/// request came from and for a target that is a live member at the address named, unless the frame opened under the
/// cluster key (partial views: a key holder's request is relayed, answered once and bare when its address is not
/// verified). Refusals are counted.
/// </summary>
public sealed class PingReqRulesTests
{
    [Fact]
    public void Plaintext_RequesterNotVerifiedAtItsAddress_IsRefusedAndCounted()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);

        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), ComponentHarness.AddressOf(99), new NodeId(99), verifiedRequester: false, trusted: false);

        Assert.Empty(harness.Transport.Sent);
        Assert.Equal(1, harness.Counters.PingReqsRefused);
    }

    [Theory]
    [InlineData(false)] // a target this node does not hold
    [InlineData(true)] // a member, named at an address that is not the one held for it
    public void Plaintext_TargetNotALiveMemberAtThatAddress_IsRefused_NoPingLeaves(bool knownIdElsewhere)
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);
        NodeId target = knownIdElsewhere ? members[1].Id : new NodeId(55);

        harness.Prober.OnPingReq(new PingReq(77, target, ComponentHarness.AddressOf(200)), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);

        Assert.Empty(harness.Transport.Sent);
        Assert.Equal(1, harness.Counters.PingReqsRefused);
    }

    [Fact]
    public void Plaintext_DeadTarget_IsRefused()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);
        members[1].Status = MemberStatus.Dead;

        harness.Prober.OnPingReq(new PingReq(77, members[1].Id, members[1].Address), members[0].Address, members[0].Id, verifiedRequester: true, trusted: false);

        Assert.Empty(harness.Transport.Sent);
        Assert.Equal(1, harness.Counters.PingReqsRefused);
    }

    [Fact]
    public void Keyed_UnknownTarget_FromAnUnverifiedRequester_IsRelayed_AndItsAckRelayedBareThenNeverAgain()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Spread.Spread(new MembershipEvent(MembershipEventKind.Join, new NodeId(2), 1, 0, new NodeId(2), ComponentHarness.AddressOf(2)), urgent: false);
        WireAddress requester = ComponentHarness.AddressOf(99);
        WireAddress targetAddress = ComponentHarness.AddressOf(77);

        harness.Prober.OnPingReq(new PingReq(5, new NodeId(77), targetAddress), requester, new NodeId(99), verifiedRequester: false, trusted: true);
        SentFrame ping = Assert.Single(harness.Transport.Sent);
        Assert.Equal(targetAddress, ping.Destination);
        harness.Transport.Sent.Clear();

        Assert.True(harness.Prober.OnAck(new Ack(harness.PingIn(ping).Sequence, 1, 0, 0), harness.HeaderFrom(77, MessageType.Ack), null));

        SentFrame relay = Assert.Single(harness.Transport.Sent);
        Assert.Equal(requester, relay.Destination);
        Assert.Equal([MessageType.RelayedAck], harness.Sections(relay).Select(s => s.Type)); // bare: no piggyback
        Assert.Equal(0, harness.Counters.PingReqsRefused);
    }

    [Fact]
    public void Keyed_UnverifiedRequester_NackedTarget_IsAnsweredOnce_ALateAckIsNotRelayed()
    {
        var harness = new ComponentHarness(new GossipOptions { ProbeTimeoutRounds = 5, ProbeEveryRounds = 10 });
        Member[] members = harness.AddMembers(2, 3);
        harness.Prober.OnPingReq(new PingReq(5, members[1].Id, members[1].Address), ComponentHarness.AddressOf(99), new NodeId(99), verifiedRequester: false, trusted: true);
        Ping ping = harness.PingIn(Assert.Single(harness.Transport.Sent));
        harness.Transport.Sent.Clear();
        for (int round = 0; round < 6; round++)
        {
            harness.NextRound();
            harness.Prober.Step(harness.Node.Round);
        }

        Assert.Single(harness.Transport.Sent, f => harness.Carries(f, MessageType.Nack));
        harness.Transport.Sent.Clear();

        Assert.False(harness.Prober.OnAck(new Ack(ping.Sequence, 1, 0, 0), harness.HeaderFrom(3, MessageType.Ack), members[1]));
        Assert.DoesNotContain(harness.Transport.Sent, f => harness.Carries(f, MessageType.RelayedAck));
    }
}
