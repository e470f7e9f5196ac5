using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// A reaped member is remembered (id, generation, last heartbeat and incarnation) so that stale news of that generation
/// does not bring it back; a restart (newer generation), a refutation (higher incarnation) or a heartbeat that went on
/// (the other side of a healed partition) does.
/// </summary>
public sealed class ReapedMemberTests
{
    private static readonly NodeId Peer = new(7);
    private static readonly FrameOrigin FromPeer = FrameOrigin.Relayed(ComponentHarness.AddressOf(7));

    [Theory]
    [InlineData(1u, 10ul, false)] // the heartbeat last seen: a late or replayed delta
    [InlineData(1u, 4ul, false)]
    [InlineData(1u, 11ul, true)] // it kept running: a healed partition
    [InlineData(2u, 0ul, true)] // a restart
    public void DeltaMerger_AReapedMember_ComesBackOnlyOnFresherNews(uint generation, ulong heartbeat, bool back)
    {
        ComponentHarness harness = Reaped(MemberStatus.Dead);

        var reader = new GossipReader(DeltaPayload(new NodeStateHeader(new NodeId(2), generation, MemberStatus.Alive, heartbeat, ComponentHarness.AddressOf(2)), ("k", 1)));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FromPeer);

        Assert.Equal(back, harness.Members.TryGet(new NodeId(2), out _));
        Assert.Equal(back ? 0 : 1, harness.Counters.NewsDropped);
    }

    [Theory]
    [InlineData(MemberStatus.Dead, MembershipEventKind.Join, 1u, 3u, 7ul, false)] // the incarnation it was reaped at
    [InlineData(MemberStatus.Dead, MembershipEventKind.Alive, 1u, 2u, 7ul, false)]
    [InlineData(MemberStatus.Dead, MembershipEventKind.Alive, 1u, 4u, 7ul, true)] // a refutation
    [InlineData(MemberStatus.Left, MembershipEventKind.Alive, 1u, 4u, 7ul, false)] // a departure is overruled only by the member
    [InlineData(MemberStatus.Left, MembershipEventKind.Alive, 1u, 4u, 2ul, true)]
    [InlineData(MemberStatus.Left, MembershipEventKind.Join, 2u, 0u, 7ul, true)] // a restart
    public void Apply_NoticeOfAReapedMember_BringsItBackOnlyWhenFresher(MemberStatus reapedAs, MembershipEventKind kind, uint generation, uint incarnation, ulong reporter, bool back)
    {
        ComponentHarness harness = Reaped(reapedAs);

        harness.Rules.Apply(new MembershipEvent(kind, new NodeId(2), generation, incarnation, new NodeId(reporter), ComponentHarness.AddressOf(2)), FromPeer);

        Assert.Equal(back, harness.Members.TryGet(new NodeId(2), out _));
        Assert.Equal(back ? 0 : 1, harness.Counters.NewsDropped);
    }

    [Fact]
    public void Apply_StaleNoticeAfterTheTombstoneExpired_IsTakenAsNewsOfANewMember()
    {
        // Bounded memory: a tombstone lasts ReconnectForRounds (at least ReapAfterRounds), then the id is forgotten.
        ComponentHarness harness = Reaped(MemberStatus.Dead);
        harness.Members.Reap(harness.Members.FormerKeptForRounds + 10);
        Assert.Empty(harness.Members.Former);

        harness.Rules.Apply(new MembershipEvent(MembershipEventKind.Alive, new NodeId(2), 1, 3, Peer, ComponentHarness.AddressOf(2)), FromPeer);

        Assert.True(harness.Members.TryGet(new NodeId(2), out _));
    }

    /// <summary>A harness whose member 2 (generation 1, heartbeat 10, incarnation 3) was declared down and reaped at round 10.</summary>
    // Found by the chaos runner (seeds 1609, 4981): a node partitioned away when a member left or crashed kept it alive
    // for 400 rounds after the heal, because the nodes that had buried it only dropped its stale deltas.
    [Theory]
    [InlineData(MemberStatus.Left, MembershipEventKind.Leave, 2ul)]
    [InlineData(MemberStatus.Dead, MembershipEventKind.Suspect, 1ul)] // a death verdict may be wrong (seed 1334): told as a suspicion
    public void DeltaMerger_StaleDeltaOfAReapedMember_IsAnsweredWithWhatWeKnow(MemberStatus reapedAs, MembershipEventKind told, ulong reporter)
    {
        ComponentHarness harness = Reaped(reapedAs);
        harness.TakeSent();

        var reader = new GossipReader(DeltaPayload(new NodeStateHeader(new NodeId(2), 1, MemberStatus.Alive, 9, ComponentHarness.AddressOf(2)), ("k", 1)));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FromPeer);

        List<MembershipEvent> answers = [];
        foreach (SentFrame frame in harness.SentTo(ComponentHarness.AddressOf(7)))
        {
            answers.AddRange(harness.EventsIn(frame));
        }

        Assert.Equal([new MembershipEvent(told, new NodeId(2), 1, 3, new NodeId(reporter), ComponentHarness.AddressOf(2))], answers);
    }

    private static ComponentHarness Reaped(MemberStatus status)
    {
        var harness = new ComponentHarness(new GossipOptions { ReapAfterRounds = 10, ReconnectForRounds = 1_000 });
        Member member = harness.AddMembers(2)[0];
        member.Heartbeat = 10;
        member.Incarnation = 3;
        harness.Members.MarkDown(member, status);
        harness.Members.Reap(10);
        Assert.False(harness.Members.TryGet(member.Id, out _));
        return harness;
    }
}
