using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// A live member's generation changes only on its own word (a frame it sent, at the generation it claims, from its
/// address), and its address only once the old one no longer answers (suspected, dead, departed); news relayed by
/// anyone else is dropped and counted, in notices and in deltas alike.
/// </summary>
public sealed class FirstHandRulesTests
{
    private static readonly FrameOrigin FromPeer = FrameOrigin.Relayed(ComponentHarness.AddressOf(7));
    private static readonly WireAddress Elsewhere = ComponentHarness.AddressOf(99);

    [Theory]
    [InlineData(MembershipEventKind.Join)]
    [InlineData(MembershipEventKind.Alive)]
    public void Apply_RelayedNewGenerationAndAddressOfALiveMember_IsDroppedAndCounted(MembershipEventKind kind)
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        // Even naming the member as reporter, as a forger would.
        harness.Rules.Apply(new MembershipEvent(kind, member.Id, 2, 0, member.Id, Elsewhere), FromPeer);

        AssertUntouched(harness, member);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_RelayedRestartAtTheMembersAddress_IsCheckedWithOnePingPerProbeInterval()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);
        var notice = new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, member.Address);

        harness.Rules.Apply(notice, FromPeer);
        harness.Rules.Apply(notice, FromPeer);
        for (int i = 0; i < harness.Options.ProbeEveryRounds; i++)
        {
            harness.NextRound();
        }

        harness.Rules.Apply(notice, FromPeer);

        List<SentFrame> pings = harness.SentTo(member.Address);
        Assert.Equal(2, pings.Count);
        Assert.All(pings, ping => Assert.Equal(0u, harness.PingIn(ping).Sequence));
        Assert.Equal(1u, member.Generation); // asked about, not believed
    }

    [Fact]
    public void Apply_RelayedMoveToAnotherAddress_IsNotChecked()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, Elsewhere), FromPeer);

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void Apply_ANewGenerationSentFromAnotherAddressThanItClaims_IsDropped()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        // The header names the member, but the datagram came from elsewhere than the address the notice claims.
        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, member.Address), new FrameOrigin(member.Id, 2, Elsewhere, false, Elsewhere));

        AssertUntouched(harness, member);
    }

    [Fact]
    public void Apply_JoinFromItsNewAddressWhileTheOldOneStillAnswers_IsDropped()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        // In plaintext anyone can name the member as sender from an address of their own: a move waits for the old
        // address to stop answering.
        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, Elsewhere), new FrameOrigin(member.Id, 2, Elsewhere, false, Elsewhere));

        AssertUntouched(harness, member);
    }

    [Fact]
    public void Apply_JoinFromTheMemberItselfAtItsAddress_RestartsIt()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, member.Address), new FrameOrigin(member.Id, 2, member.Address, false, member.Address));

        Assert.Equal((2u, ComponentHarness.AddressOf(2)), (member.Generation, member.Address));
        Assert.Empty(member.State);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Apply_JoinFromTheMemberItselfOverAStreamFromItsHost_RestartsIt()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);
        WireAddress ephemeral = WireAddress.FromEndPoint(new System.Net.IPEndPoint(member.Address.ToEndPoint().Address, 50_123));

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, member.Address), new FrameOrigin(member.Id, 2, ephemeral, true, member.Address));

        Assert.Equal(2u, member.Generation);
    }

    [Theory]
    [InlineData(MemberStatus.Suspect)]
    [InlineData(MemberStatus.Dead)]
    [InlineData(MemberStatus.Left)]
    public void Apply_RelayedNewGenerationOfAMemberThatNoLongerAnswers_IsBelieved(MemberStatus status)
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);
        if (status == MemberStatus.Suspect)
        {
            harness.Members.SetStatus(member, status);
        }
        else
        {
            harness.Members.MarkDown(member, status);
        }

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, member.Id, 2, 0, member.Id, Elsewhere), FromPeer);

        Assert.Equal((2u, Elsewhere, MemberStatus.Alive), (member.Generation, member.Address, member.Status));
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void DeltaMerger_RelayedNewGenerationOfALiveMember_IsDroppedWithItsEntries()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        ApplyDelta(harness, FromPeer, new NodeStateHeader(member.Id, 2, MemberStatus.Alive, 1, Elsewhere), ("evil", 1));

        AssertUntouched(harness, member);
    }

    [Fact]
    public void DeltaMerger_NewGenerationFromTheMemberItself_RestartsIt()
    {
        var harness = new ComponentHarness();
        Member member = LiveMemberWithState(harness);

        ApplyDelta(harness, new FrameOrigin(member.Id, 2, member.Address, false, member.Address), new NodeStateHeader(member.Id, 2, MemberStatus.Alive, 1, member.Address), ("fresh", 1));

        Assert.Equal(2u, member.Generation);
        Assert.Equal(["fresh"], member.State.Keys);
    }

    [Fact]
    public void Reconcile_WithARestartedMember_TakesItsNewGenerationFromItself()
    {
        // What the harness pair does is what two nodes do: the restarted node's own ACK2 carries its delta.
        var restarted = new ComponentHarness(selfId: 2);
        restarted.Self.Generation = 2;
        restarted.SetState(restarted.Self, "fresh", 1);
        var other = new ComponentHarness(selfId: 1);
        Member known = LiveMemberWithState(other);

        restarted.Reconcile(other);

        Assert.Equal(2u, known.Generation);
        Assert.Equal(["fresh"], known.State.Keys);
    }

    private static Member LiveMemberWithState(ComponentHarness harness)
    {
        Member member = harness.AddMembers(2)[0];
        harness.SetState(member, "k", 3);
        return member;
    }

    private static void AssertUntouched(ComponentHarness harness, Member member)
    {
        Assert.Equal((1u, ComponentHarness.AddressOf(2), MemberStatus.Alive), (member.Generation, member.Address, member.Status));
        Assert.Equal(["k"], member.State.Keys);
        Assert.Equal(3ul, member.MaxVersion);
        Assert.Equal(1, harness.Counters.NewsDropped);
        harness.AssertTableConsistent();
    }

    private static void ApplyDelta(ComponentHarness harness, FrameOrigin origin, NodeStateHeader header, params (string Key, ulong Version)[] entries)
    {
        var reader = new GossipReader(DeltaPayload(header, entries));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, origin);
    }
}
