using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// The caps on membership news, alone: incarnations relayed by others rise by a bounded step and never wrap,
/// generations beyond the clock are dropped, a node's own state at a version it never wrote makes it start a new
/// generation. Every drop is counted in <see cref="NodeCounters.NewsDropped"/> and changes nothing.
/// </summary>
public sealed class NewsCapsTests
{
    private static readonly NodeId Peer = new(7);
    private static readonly FrameOrigin FromPeer = FrameOrigin.Relayed(ComponentHarness.AddressOf(7));

    [Theory]
    [InlineData(MembershipEventKind.Alive, MembershipRules.MaxIncarnationStep + 4u)]
    [InlineData(MembershipEventKind.Alive, uint.MaxValue)]
    [InlineData(MembershipEventKind.Suspect, uint.MaxValue)]
    [InlineData(MembershipEventKind.Dead, uint.MaxValue)]
    [InlineData(MembershipEventKind.Leave, uint.MaxValue - 1)]
    public void Apply_RelayedNoticeFarAboveTheKnownIncarnation_IsDroppedAndCounted(MembershipEventKind kind, uint incarnation)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        member.Incarnation = 3;

        harness.Rules.Apply(new MembershipEvent(kind, member.Id, 1, incarnation, Peer, member.Address), FromPeer);

        Assert.Equal((MemberStatus.Alive, 3u), (member.Status, member.Incarnation));
        Assert.Null(member.Suspicion);
        Assert.Equal(1, harness.Counters.NewsDropped);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Apply_RelayedAliveWithinTheStep_IsBelieved()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        member.Incarnation = 3;

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 3 + MembershipRules.MaxIncarnationStep, member.Id, member.Address), FromPeer);

        Assert.Equal(3 + MembershipRules.MaxIncarnationStep, member.Incarnation);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Apply_AliveFarAboveFromTheMemberItself_IsBelieved()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];

        harness.Rules.Apply(
            new MembershipEvent(MembershipEventKind.Alive, member.Id, 1, 1_000_000, member.Id, member.Address),
            new FrameOrigin(member.Id, 1, member.Address, false, member.Address));

        Assert.Equal(1_000_000u, member.Incarnation);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Apply_RelayedJoinOfAnUnknownMemberFarAboveZero_IsDropped()
    {
        var harness = new ComponentHarness();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, new NodeId(5), 1, uint.MaxValue, Peer, ComponentHarness.AddressOf(5)), FromPeer);

        Assert.False(harness.Members.TryGet(new NodeId(5), out _));
        Assert.Equal(1, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Refute_ANoticeFarAboveOurIncarnation_IsAnsweredWithTheCurrentOneAndCounted()
    {
        var harness = new ComponentHarness();
        harness.Self.Incarnation = 5;

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, harness.Self.Id, 1, 5 + (MembershipRules.MaxIncarnationStep / 2) + 1, Peer, harness.Self.Address), FromPeer);

        Assert.Equal(5u, harness.Self.Incarnation);
        Assert.Equal(0, harness.Counters.Refutations);
        Assert.Equal(1, harness.Counters.NewsDropped);
        MembershipEvent alive = Assert.Single(harness.TakeQueuedEvents());
        Assert.Equal((MembershipEventKind.Alive, 5u), (alive.Kind, alive.Incarnation));
    }

    [Fact]
    public void Refute_ANoticeWithinHalfTheStep_RaisesOurIncarnationAboveIt()
    {
        var harness = new ComponentHarness();
        uint noticed = MembershipRules.MaxIncarnationStep / 2;

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Suspect, harness.Self.Id, 1, noticed, Peer, harness.Self.Address), FromPeer);

        Assert.Equal(noticed + 1, harness.Self.Incarnation);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Refute_ANoticeAtTheEndOfTheRange_StartsANewGenerationInsteadOfWrapping()
    {
        var harness = new ComponentHarness();
        harness.SetState(harness.Self, "mine", 4);
        harness.Self.Incarnation = uint.MaxValue - 2;
        uint clock = (uint)harness.Time.GetUtcNow().ToUnixTimeSeconds();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, harness.Self.Id, 1, uint.MaxValue - 1, Peer, harness.Self.Address), FromPeer);

        Assert.Equal(clock, harness.Self.Generation);
        Assert.Equal(0u, harness.Self.Incarnation);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
        Assert.Equal(4ul, harness.Self.MaxVersion); // its state goes on: others fetch it again under the new generation
        MembershipEvent alive = Assert.Single(harness.TakeQueuedEvents());
        Assert.Equal((MembershipEventKind.Alive, clock, 0u), (alive.Kind, alive.Generation, alive.Incarnation));
        harness.AssertTableConsistent();

        // The next frame goes out under the new generation.
        harness.Frames.SendEvent(ComponentHarness.AddressOf(7), new NodeId(7), alive);
        Assert.Equal(WireStatus.Ok, harness.Codec.Open(harness.Transport.Sent[^1].Bytes.ToArray(), out FrameHeader header, out _));
        Assert.Equal(clock, header.Generation);
    }

    [Fact]
    public void Refute_AtTheEndOfTheRangeTwiceInARow_StartsOneNewGenerationOnly()
    {
        var harness = new ComponentHarness();
        harness.Self.Incarnation = uint.MaxValue - 2;
        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, harness.Self.Id, 1, uint.MaxValue - 1, Peer, harness.Self.Address), FromPeer);
        uint renewed = harness.Self.Generation;
        harness.Self.Incarnation = uint.MaxValue - 2;
        harness.NextRound();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Dead, harness.Self.Id, renewed, uint.MaxValue - 1, Peer, harness.Self.Address), FromPeer);

        Assert.Equal(renewed, harness.Self.Generation);
        Assert.Equal(uint.MaxValue - 2, harness.Self.Incarnation); // no wrap either: it stays where it was
    }

    [Theory]
    [InlineData(MembershipEventKind.Join)]
    [InlineData(MembershipEventKind.Alive)]
    [InlineData(MembershipEventKind.Dead)]
    public void Apply_AGenerationBeyondTheClockAndSkew_IsDroppedAndCounted(MembershipEventKind kind)
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        uint future = Ceiling(harness) + 1;

        harness.Rules.Apply(new MembershipEvent(kind, member.Id, future, 0, member.Id, member.Address), new FrameOrigin(member.Id, future, member.Address, false, member.Address));
        harness.Rules.Apply(new MembershipEvent(kind, new NodeId(5), future, 0, Peer, ComponentHarness.AddressOf(5)), FromPeer);

        Assert.Equal((1u, MemberStatus.Alive), (member.Generation, member.Status));
        Assert.False(harness.Members.TryGet(new NodeId(5), out _));
        Assert.Equal(2, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Apply_AGenerationWithinTheSkew_IsBelieved()
    {
        var harness = new ComponentHarness();

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Join, new NodeId(5), Ceiling(harness), 0, Peer, ComponentHarness.AddressOf(5)), FromPeer);

        Assert.Equal(Ceiling(harness), harness.Member(5).Generation);
    }

    [Fact]
    public void DeltaMerger_AGenerationBeyondTheClock_IsDroppedAndNeverRequested()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(2)[0];
        uint future = Ceiling(harness) + 1;

        ApplyDelta(harness, new NodeStateHeader(member.Id, future, MemberStatus.Alive, 1, member.Address), ("k", 1));
        ApplyDelta(harness, new NodeStateHeader(new NodeId(5), future, MemberStatus.Alive, 1, ComponentHarness.AddressOf(5)), ("k", 1));

        Assert.Equal(1u, member.Generation);
        Assert.False(harness.Members.TryGet(new NodeId(5), out _));
        Assert.Equal(2, harness.Counters.NewsDropped);

        // And a digest naming it does not make us ask for it (the answer would be dropped at every sync).
        byte[] body = new byte[1_400];
        DigestEntry[] digest = [new(member.Id, future, MemberStatus.Alive, 1, 1), new(new NodeId(5), future, MemberStatus.Alive, 1, 1)];
        int length = new AckBuilder(harness.Node, harness.Members).BuildAck(body, new MerkleRange(0, ulong.MaxValue, 0, 0, 1), false, DigestPayload(digest), out _);
        List<(MessageType Type, byte[] Payload)> sections = ReadCompound(body.AsSpan(0, length), harness.Node.Limits);
        Assert.Empty(ReadAck(sections[1].Payload, harness.Node.Limits).Requests);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(5ul)]
    public void DeltaMerger_OurOwnStateAtAVersionWeNeverWrote_MakesUsStartANewGeneration(ulong version)
    {
        var harness = new ComponentHarness();
        harness.SetState(harness.Self, "mine", 4);

        ApplyDelta(harness, new NodeStateHeader(harness.Self.Id, 1, MemberStatus.Alive, 1, harness.Self.Address), ("forged", version));

        Assert.NotEqual(1u, harness.Self.Generation);
        Assert.Equal(4ul, harness.Self.MaxVersion);
        Assert.False(harness.Self.State.ContainsKey("forged"));
        Assert.Equal(1, harness.Counters.NewsDropped);
        MembershipEvent alive = Assert.Single(harness.TakeQueuedEvents());
        Assert.Equal((MembershipEventKind.Alive, harness.Self.Generation), (alive.Kind, alive.Generation));
    }

    [Fact]
    public void OnSyn_ADigestHoldingOurStateAboveOurVersion_MakesUsStartANewGeneration()
    {
        var harness = new ComponentHarness();
        harness.SetState(harness.Self, "mine", 4);
        DigestEntry[] digest = [new(harness.Self.Id, 1, MemberStatus.Alive, 1, ulong.MaxValue)];

        harness.Exchange.OnSyn(FrameOrigin.Relayed(ComponentHarness.AddressOf(7)), new MerkleRange(0, ulong.MaxValue, 0, 1, 12345), default, DigestPayload(digest));

        Assert.NotEqual(1u, harness.Self.Generation);
        Assert.Equal(1, harness.Counters.NewsDropped);
    }

    [Fact]
    public void DeltaMerger_OurOwnStateAtVersionsWeWrote_ChangesNothing()
    {
        var harness = new ComponentHarness();
        harness.SetState(harness.Self, "mine", 4);

        ApplyDelta(harness, new NodeStateHeader(harness.Self.Id, 1, MemberStatus.Alive, 1, harness.Self.Address), ("mine", 4));

        Assert.Equal(1u, harness.Self.Generation);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    private static uint Ceiling(ComponentHarness harness) =>
        (uint)(harness.Time.GetUtcNow().ToUnixTimeSeconds() + (long)harness.Options.MaxClockSkew.TotalSeconds);

    private static void ApplyDelta(ComponentHarness harness, NodeStateHeader header, params (string Key, ulong Version)[] entries)
    {
        var reader = new GossipReader(DeltaPayload(header, entries));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FromPeer);
    }
}
