using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>What an ACK and an ACK2 contain, built by AckBuilder alone against one node's table.</summary>
public sealed class AckBuilderTests
{
    private static readonly MerkleRange Everything = new(0, ulong.MaxValue, 0, 0, 0);

    [Fact]
    public void IsNewer_HigherGenerationHigherVersionOrADepartureNotYetKnown_IsNews()
    {
        var alive = new DigestEntry(new NodeId(5), 2, MemberStatus.Alive, 10, 4);

        Assert.True(AckBuilder.IsNewer(alive with { Generation = 3, MaxVersion = 0 }, alive));
        Assert.True(AckBuilder.IsNewer(alive with { MaxVersion = 5 }, alive));
        Assert.True(AckBuilder.IsNewer(alive with { Status = MemberStatus.Left }, alive));
        Assert.False(AckBuilder.IsNewer(alive, alive));
        Assert.False(AckBuilder.IsNewer(alive with { Heartbeat = 99 }, alive));
        Assert.False(AckBuilder.IsNewer(alive with { Generation = 1, MaxVersion = 99 }, alive));
        Assert.False(AckBuilder.IsNewer(alive with { Status = MemberStatus.Dead }, alive));
        Assert.False(AckBuilder.IsNewer(alive with { Status = MemberStatus.Left }, alive with { Status = MemberStatus.Left }));
    }

    [Fact]
    public void BuildAck_DigestEqualToOurTableAndRestAgreeing_SaysNothing()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);

        int length = Build(harness, Everything, restDiffers: false, OwnDigest(harness), out _, out _);

        Assert.Equal(0, length);
    }

    [Fact]
    public void BuildAck_DigestWithNewerOrUnknownLiveMembers_RequestsThemButNeverUsOrTheUnknownDead()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);
        DigestEntry[] digest =
        [
            new(new NodeId(1), 1, MemberStatus.Alive, 50, 9),
            new(new NodeId(2), 1, MemberStatus.Alive, 0, 5),
            new(new NodeId(3), 1, MemberStatus.Alive, 0, 0),
            new(new NodeId(7), 4, MemberStatus.Alive, 3, 2),
            new(new NodeId(8), 1, MemberStatus.Dead, 0, 0),
        ];

        Build(harness, Everything, restDiffers: false, digest, out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack);

        Assert.Equal(
            [harness.Member(2).ToDigest(), new DigestEntry(new NodeId(7), 0, MemberStatus.Alive, 0, 0)],
            ack.Requests);
    }

    [Fact]
    public void BuildAck_MembersTheInitiatorLacksOrHoldsOlder_GoAsDeltasFromItsVersion()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3, 4);
        harness.SetState(members[0], "a", 1);
        harness.SetState(members[0], "b", 2);
        harness.SetState(members[0], "c", 3);
        harness.SetState(members[1], "x", 1);
        harness.Members.MarkDown(members[2], MemberStatus.Dead);
        DigestEntry[] digest = [harness.Self.ToDigest(), members[0].ToDigest() with { MaxVersion = 1 }];

        Build(harness, Everything, restDiffers: false, digest, out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack);

        Assert.Empty(ack.Requests);
        Assert.Equal([2ul, 3ul], ack.Deltas.Select(d => d.Header.Node.Value));
        Assert.Equal([2ul, 3ul], ack.Deltas[0].Entries.Select(e => e.Version));
        Assert.Equal([1ul], ack.Deltas[1].Entries.Select(e => e.Version));
    }

    [Fact]
    public void BuildAck_DeltasStayInsideTheRange()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 30, 300);

        Build(harness, new MerkleRange(10, 299, 0, 0, 0), restDiffers: false, [], out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack);

        Assert.Equal([30ul], ack.Deltas.Select(d => d.Header.Node.Value));
    }

    [Theory]
    [InlineData(MemberStatus.Dead, 1u, true)]
    [InlineData(MemberStatus.Left, 1u, true)]
    [InlineData(MemberStatus.Suspect, 1u, false)]
    [InlineData(MemberStatus.Dead, 0u, false)]
    public void BuildAck_DigestListingUsDownAtOurGeneration_ReportsHeldDead(MemberStatus status, uint generation, bool heldDead)
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        DigestEntry[] digest = [new(new NodeId(1), generation, status, 0, 0), new(new NodeId(9), 1, MemberStatus.Alive, 0, 0)];

        Build(harness, Everything, restDiffers: false, digest, out bool reported, out _);

        Assert.Equal(heldDead, reported);
    }

    [Fact]
    public void BuildAck_WholeAnswerWhileTheRestDiffers_ContinuesJustPastTheRange()
    {
        var harness = new ComponentHarness(selfId: 500);
        var range = new MerkleRange(0, 99, 0, 0, 0);

        int quiet = Build(harness, range, restDiffers: false, [], out _, out _);
        int length = Build(harness, range, restDiffers: true, [], out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack, out MerkleRange continuation);

        Assert.Equal(0, quiet);
        Assert.True(length > 0);
        Assert.Empty(ack.Requests);
        Assert.Empty(ack.Deltas);
        Assert.Equal((100ul, ulong.MaxValue), (continuation.Start, continuation.End));
    }

    [Fact]
    public void BuildAck_WholeAnswerWithTheRestAgreeing_SaysStopWithAnEmptyRange()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);

        Build(harness, Everything, restDiffers: false, [], out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack, out MerkleRange continuation);

        Assert.Equal(2, ack.Deltas.Count);
        Assert.Equal((0ul, 0ul), (continuation.Start, continuation.End));
    }

    [Fact]
    public void BuildAck_CutShort_ContinuesFromWhereItWasCut()
    {
        var harness = new ComponentHarness();
        foreach (Member member in harness.AddMembers(Enumerable.Range(2, 40).Select(i => (ulong)i).ToArray()))
        {
            harness.SetState(member, "k", 1, new string('v', 50));
        }

        Build(harness, Everything, restDiffers: false, [], out _, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack, out MerkleRange continuation, bodyBytes: 600);

        Assert.Equal(ulong.MaxValue, continuation.End);
        Assert.InRange(continuation.Start, 2ul, 41ul);
        ulong[] sent = ack.Deltas.Select(d => d.Header.Node.Value).ToArray();
        Assert.All(sent, id => Assert.True(id <= continuation.Start));
        Assert.All(Enumerable.Range(1, (int)continuation.Start - 1).Select(i => (ulong)i), id => Assert.Contains(id, sent));
    }

    [Fact]
    public void BuildAck2_SendsOnlyTheRequestedMembersWeHoldNewerFromTheRequestedVersion()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2, 3);
        harness.SetState(members[0], "a", 1);
        harness.SetState(members[0], "b", 2);
        harness.SetState(members[0], "c", 3);
        byte[] requests = DigestPayload(
            members[0].ToDigest() with { MaxVersion = 1 },
            members[1].ToDigest(),
            new DigestEntry(new NodeId(9), 0, MemberStatus.Alive, 0, 0));
        byte[] body = new byte[1_400];

        int answered = 0;
        int length = new AckBuilder(harness.Node, harness.Members).BuildAck2(body, requests, ref answered, out bool more);

        Assert.False(more);
        Assert.Equal(3, answered);
        (MessageType type, byte[] payload) = Assert.Single(ReadCompound(body.AsSpan(0, length), harness.Node.Limits));
        Assert.Equal(MessageType.DigestAck2, type);
        DecodedDelta delta = Assert.Single(ReadDeltas(payload, harness.Node.Limits));
        Assert.Equal(2ul, delta.Header.Node.Value);
        Assert.Equal([2ul, 3ul], delta.Entries.Select(e => e.Version));
    }

    [Fact]
    public void BuildAck2_NothingRequestedThatWeHoldNewer_SaysNothing()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(2);

        int answered = 0;
        int length = new AckBuilder(harness.Node, harness.Members).BuildAck2(new byte[1_400], DigestPayload(members[0].ToDigest()), ref answered, out bool more);

        Assert.Equal(0, length);
        Assert.False(more);
    }

    // Over datagrams only: what does not fit one frame goes in the next, each frame carrying whole deltas, until every
    // request is answered; a member too large for any frame goes as the prefix that fits and is not sent again.
    [Fact]
    public void BuildAck2_TooLargeForOneFrame_GoesOnInTheNextFrames_UntilEveryRequestIsAnswered()
    {
        var harness = new ComponentHarness();
        Member[] members = harness.AddMembers(Enumerable.Range(2, 30).Select(i => (ulong)i).ToArray());
        foreach (Member member in members)
        {
            harness.SetState(member, "k", 1, new string('v', 200));
        }

        Member huge = harness.AddMembers(40)[0];
        for (int key = 0; key < 12; key++)
        {
            harness.SetState(huge, "key" + key, (ulong)(1 + key), new string('h', 200));
        }

        byte[] requests = DigestPayload([.. members.Append(huge).Select(m => new DigestEntry(m.Id, 0, MemberStatus.Alive, 0, 0))]);
        var builder = new AckBuilder(harness.Node, harness.Members);
        var received = new List<DecodedDelta>();
        int answered = 0;
        int frames = 0;
        bool more = true;
        while (more)
        {
            byte[] body = new byte[600];
            int length = builder.BuildAck2(body, requests, ref answered, out more);
            Assert.True(length > 0, $"frame {frames} was empty");
            (_, byte[] payload) = Assert.Single(ReadCompound(body.AsSpan(0, length), harness.Node.Limits));
            received.AddRange(ReadDeltas(payload, harness.Node.Limits));
            Assert.True(++frames < 40, "no progress");
        }

        Assert.Equal(31, answered);
        Assert.Equal(members.Select(m => m.Id).Append(huge.Id).ToHashSet(), received.Select(d => d.Header.Node).ToHashSet());
        DecodedDelta hugeDelta = Assert.Single(received, d => d.Header.Node == huge.Id);
        Assert.Equal(hugeDelta.Entries.Select(e => e.Version).Order(), hugeDelta.Entries.Select(e => e.Version));
        Assert.InRange(hugeDelta.Entries.Count, 1, 11);
    }

    private static DigestEntry[] OwnDigest(ComponentHarness harness) =>
        Enumerable.Range(0, harness.Members.Table.Count).Select(i => harness.Members.Table[i].ToDigest()).ToArray();

    private static int Build(ComponentHarness harness, MerkleRange range, bool restDiffers, DigestEntry[] digest, out bool heldDead, out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack) =>
        Build(harness, range, restDiffers, digest, out heldDead, out ack, out _);

    private static int Build(
        ComponentHarness harness,
        MerkleRange range,
        bool restDiffers,
        DigestEntry[] digest,
        out bool heldDead,
        out (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ack,
        out MerkleRange continuation,
        int bodyBytes = 1_400)
    {
        byte[] body = new byte[bodyBytes];
        int length = new AckBuilder(harness.Node, harness.Members).BuildAck(body, range, restDiffers, DigestPayload(digest), out SelfNews selfNews);
        heldDead = selfNews == SelfNews.HeldDead;
        ack = ([], []);
        continuation = default;
        if (length > 0)
        {
            List<(MessageType Type, byte[] Payload)> sections = ReadCompound(body.AsSpan(0, length), harness.Node.Limits);
            Assert.Equal([MessageType.MerkleRanges, MessageType.DigestAck], sections.Select(s => s.Type));
            continuation = Assert.Single(ReadRanges(sections[0].Payload, harness.Node.Limits));
            ack = ReadAck(sections[1].Payload, harness.Node.Limits);
        }

        return length;
    }
}
