using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>Joining through seeds, alone: whom the join contacts, what it queues, and when it tries again.</summary>
public sealed class SeedJoinerTests
{
    [Fact]
    public void Join_SeedsIncludingOurOwnAddress_SendsASynToEachOtherSeedCarryingTheJoinEvent()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);

        joiner.Join([harness.Self.Address, ComponentHarness.AddressOf(2), ComponentHarness.AddressOf(3)]);

        List<SentFrame> sent = harness.Transport.Sent;
        Assert.Equal(2, sent.Count);
        Assert.Single(harness.SentTo(ComponentHarness.AddressOf(2)));
        Assert.Single(harness.SentTo(ComponentHarness.AddressOf(3)));
        Assert.All(sent, frame => Assert.True(harness.Carries(frame, MessageType.DigestSyn)));
        Assert.All(sent, frame => Assert.Contains(JoinEventOf(harness), harness.EventsIn(frame)));
        Assert.Equal(2, harness.Counters.Syncs);
    }

    [Fact]
    public void Join_AnySeeds_QueuesAJoinEventAboutThisNodeForPiggybacking()
    {
        var harness = new ComponentHarness();
        harness.Self.Incarnation = 3;
        SeedJoiner joiner = JoinerOf(harness);

        joiner.Join([harness.Self.Address]);

        Assert.Empty(harness.Transport.Sent);
        Assert.Equal([JoinEventOf(harness)], harness.TakeQueuedEvents());
    }

    [Fact]
    public void Step_WhileAlone_ContactsTheSeedsAgainOnlyEveryProbeEveryRounds()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);
        joiner.Join([ComponentHarness.AddressOf(2)]);
        harness.Transport.Sent.Clear();

        var contacted = new List<long>();
        for (int i = 0; i < 3 * harness.Options.ProbeEveryRounds; i++)
        {
            long round = harness.NextRound();
            joiner.Step(round);
            if (harness.Transport.Sent.Count > 0)
            {
                contacted.Add(round);
                Assert.All(harness.Transport.Sent, frame => Assert.True(harness.Carries(frame, MessageType.DigestSyn)));
                harness.Transport.Sent.Clear();
            }
        }

        int every = harness.Options.ProbeEveryRounds;
        Assert.Equal([every, 2 * every, 3 * every], contacted);
    }

    [Fact]
    public void Step_OnceAnotherMemberIsLive_DoesNotContactTheSeeds()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);
        joiner.Join([ComponentHarness.AddressOf(2)]);
        harness.AddMembers(3);
        harness.Transport.Sent.Clear();

        for (int i = 0; i < 3 * harness.Options.ProbeEveryRounds; i++)
        {
            joiner.Step(harness.NextRound());
        }

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void Step_WhenTheOtherMembersAreAllDown_ContactsTheSeedsAgain()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);
        joiner.Join([ComponentHarness.AddressOf(2)]);
        harness.Members.MarkDown(harness.AddMembers(3)[0], MemberStatus.Dead);
        harness.Transport.Sent.Clear();

        joiner.Step(harness.Options.ProbeEveryRounds);

        Assert.Single(harness.SentTo(ComponentHarness.AddressOf(2)));
    }

    [Fact]
    public void Step_WithoutSeeds_DoesNothing()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);

        joiner.Step(harness.Options.ProbeEveryRounds);

        Assert.Empty(harness.Transport.Sent);
        Assert.Empty(harness.TakeQueuedEvents());
    }

    [Fact]
    public void Join_Again_ReplacesTheSeeds()
    {
        var harness = new ComponentHarness();
        SeedJoiner joiner = JoinerOf(harness);
        joiner.Join([ComponentHarness.AddressOf(2)]);
        joiner.Join([ComponentHarness.AddressOf(3)]);
        harness.Transport.Sent.Clear();

        joiner.Step(harness.Options.ProbeEveryRounds);

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.Equal(ComponentHarness.AddressOf(3), sent.Destination);
    }

    private static SeedJoiner JoinerOf(ComponentHarness harness) => new(harness.Node, harness.Members, harness.Spread, harness.Exchange);

    private static MembershipEvent JoinEventOf(ComponentHarness harness) =>
        new(MembershipEventKind.Join, harness.Self.Id, harness.Self.Generation, harness.Self.Incarnation, harness.Self.Id, harness.Self.Address);
}
