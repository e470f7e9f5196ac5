using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// Anti-entropy, SYN -> ACK -> ACK2, driven on DigestExchange alone: one harness's SYN is decoded and handed to another
/// harness's exchange, and so on back and forth.
/// </summary>
public sealed class DigestExchangeTests
{
    [Fact]
    public void SendSyncRequest_ASmallTable_SendsOneRangeToTheTopAndTheWholeDigest()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3, 4);

        harness.Exchange.SendSyncRequest(ComponentHarness.AddressOf(2), new NodeId(2));

        (List<MerkleRange> ranges, List<DigestEntry> digest) = ReadSyn(harness, Assert.Single(harness.Transport.Sent));
        MerkleRange range = Assert.Single(ranges);
        Assert.Equal((0ul, ulong.MaxValue, 4u, harness.Members.Table.Hash), (range.Start, range.End, range.Count, range.Hash));
        Assert.Equal([1ul, 2ul, 3ul, 4ul], digest.Select(e => e.Node.Value));
        Assert.Equal(harness.Member(3).ToDigest(), digest[2]);
        Assert.Equal(1, harness.Counters.Syncs);
    }

    [Fact]
    public void SendSyncRequest_ALargeTable_SendsARangeThatFitsADatagramAndTheRestOfTheTableWithItsHash()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(Ids(2, 400));
        MemberTable table = harness.Members.Table;

        harness.Exchange.SendSyncRequest(ComponentHarness.AddressOf(2), new NodeId(2));

        SentFrame syn = Assert.Single(harness.Transport.Sent);
        Assert.True(syn.Bytes.Length <= harness.Frames.DatagramBytes);
        (List<MerkleRange> ranges, List<DigestEntry> digest) = ReadSyn(harness, syn);
        Assert.Equal(2, ranges.Count);
        (MerkleRange range, MerkleRange rest) = (ranges[0], ranges[1]);
        Assert.Equal(0ul, range.Start);
        Assert.True(range.End < 400);
        Assert.Equal((range.End + 1, ulong.MaxValue), (rest.Start, rest.End));
        Assert.Equal(table.RangeHash(range.Start, range.End, out int count), range.Hash);
        Assert.Equal(table.RangeHash(rest.Start, rest.End, out int restCount), rest.Hash);
        Assert.Equal((uint)count, range.Count);
        Assert.Equal((uint)restCount, rest.Count);
        Assert.Equal(count, digest.Count);
        Assert.All(digest, e => Assert.InRange(e.Node.Value, range.Start, range.End));
    }

    [Fact]
    public void SendSyncRequest_CalledAgain_SweepsOnFromWhereTheLastRangeEndedAndWraps()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(Ids(2, 400));
        var starts = new List<ulong>();
        ulong expected = 0;
        bool wrapped = false;

        for (int call = 0; call < 20 && !wrapped; call++)
        {
            harness.Exchange.SendSyncRequest(ComponentHarness.AddressOf(2), new NodeId(2));
            MerkleRange range = ReadSyn(harness, harness.TakeSent().Single()).Ranges[0];
            Assert.Equal(expected, range.Start);
            starts.Add(range.Start);
            wrapped = range.End == ulong.MaxValue;
            expected = wrapped ? 0 : range.End + 1;
        }

        harness.Exchange.SendSyncRequest(ComponentHarness.AddressOf(2), new NodeId(2));

        Assert.True(wrapped);
        Assert.True(starts.Count >= 3);
        Assert.Equal(0ul, ReadSyn(harness, harness.TakeSent().Single()).Ranges[0].Start);
    }

    [Fact]
    public void SendSyncRequest_FromAnId_StartsItsRangeThere()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(Ids(2, 400));

        harness.Exchange.SendSyncRequest(ComponentHarness.AddressOf(2), new NodeId(2), fromId: 250);

        (List<MerkleRange> ranges, List<DigestEntry> digest) = ReadSyn(harness, Assert.Single(harness.Transport.Sent));
        Assert.Equal(250ul, ranges[0].Start);
        Assert.Equal(250ul, digest[0].Node.Value);
    }

    [Fact]
    public void OnPeerTableHash_Equal_SendsNothing()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);

        harness.Exchange.OnPeerTableHash((uint)harness.Members.Table.Hash, ComponentHarness.AddressOf(2), new NodeId(2));

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void OnPeerTableHash_Different_SyncsAtMostEverySyncEveryRounds()
    {
        var harness = new ComponentHarness(new GossipOptions { SyncEveryRounds = 3 });
        harness.AddMembers(2);
        uint other = (uint)harness.Members.Table.Hash + 1;
        var sent = new List<int>();

        for (int round = 0; round < 7; round++)
        {
            harness.Exchange.OnPeerTableHash(other, ComponentHarness.AddressOf(2), new NodeId(2));
            sent.Add(harness.TakeSent().Count);
            harness.NextRound();
        }

        Assert.Equal([1, 0, 0, 1, 0, 0, 1], sent);
    }

    [Fact]
    public void OnSyn_RangeHashesAgree_SendsNothingButTakesTheHeartbeats()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        initiator.AddMembers(2, 3);
        responder.AddMembers(1, 3);
        initiator.Member(3).Heartbeat = 7;

        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);

        Assert.Empty(responder.Transport.Sent);
        Assert.Equal(7ul, responder.Member(3).Heartbeat);
    }

    [Fact]
    public void OnSyn_TablesDiffer_AcksWithRequestsForWhatItHasNewerOrWeLackAndDeltasForWhatItLacks()
    {
        (ComponentHarness initiator, ComponentHarness responder) = SynBetweenDifferentTables();

        SentFrame ack = Assert.Single(responder.Transport.Sent);
        Assert.Equal(initiator.Transport.LocalAddress, ack.Destination);
        Assert.Equal(MerkleRangeOf(0, 0), Bounds(Assert.Single(ReadRanges(responder.Section(ack, MessageType.MerkleRanges), responder.Node.Limits))));
        (List<DigestEntry> requests, List<DecodedDelta> deltas) = ReadAck(responder.Section(ack, MessageType.DigestAck), responder.Node.Limits);
        Assert.Equal([responder.Member(3).ToDigest(), new DigestEntry(new NodeId(4), 0, MemberStatus.Alive, 0, 0)], requests);
        Assert.Equal([2ul, 5ul], deltas.Select(d => d.Header.Node.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OnSyn_DigestListingUsDeadAtOurGeneration_SendsAWellFormedAckThenExactlyOneRefutation(bool largeAck)
    {
        int large = largeAck ? 1 << 20 : 0;
        var initiator = new ComponentHarness(maxLargeFrameBytes: large, selfId: 1);
        var responder = new ComponentHarness(maxLargeFrameBytes: large, selfId: 2);
        initiator.Members.MarkDown(initiator.AddMembers(2)[0], MemberStatus.Dead);
        int members = largeAck ? 100 : 1;
        foreach (Member member in responder.AddMembers(Ids(10, members)))
        {
            responder.SetState(member, "k", 1, new string('v', 200));
        }

        // A large answer only back on the initiator's own stream: it asks over one when it wants the whole answer.
        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id, overStream: largeAck);
        initiator.DeliverAll(responder);

        Assert.Equal(2, responder.Transport.Sent.Count);
        SentFrame ack = responder.Transport.Sent[0];
        Assert.Equal(largeAck, ack.Large);
        Assert.Equal(members, ReadAck(initiator.Section(ack, MessageType.DigestAck), initiator.Node.Limits).Deltas.Count);
        SentFrame refutation = responder.Transport.Sent[1];
        Assert.False(refutation.Large);
        Assert.Equal(initiator.Transport.LocalAddress, refutation.Destination);
        MembershipEvent alive = Assert.Single(ReadEvents(initiator.Section(refutation, MessageType.Membership), initiator.Node.Limits));
        Assert.Equal((MembershipEventKind.Alive, new NodeId(2), 1u, 1u), (alive.Kind, alive.Subject, alive.Generation, alive.Incarnation));
        Assert.Equal(1, responder.Counters.Refutations);
        Assert.Equal(1u, responder.Self.Incarnation);
    }

    [Fact]
    public void OnSyn_OverTheInitiatorsStream_AckTooBigForADatagram_GoesWholeBackOnThatStream()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair(1 << 20);
        FillWithState(responder, 100);

        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id, overStream: true);
        Assert.True(Assert.Single(initiator.Transport.Sent).Large);
        initiator.DeliverAll(responder);

        SentFrame ack = Assert.Single(responder.Transport.Sent);
        Assert.True(ack.BackOnStream);
        Assert.Equal(initiator.Transport.LocalAddress, ack.Destination);
        Assert.True(ack.Bytes.Length > responder.Frames.DatagramBytes);
        Assert.Equal(101, ReadAck(initiator.Section(ack, MessageType.DigestAck), initiator.Node.Limits).Deltas.Count);
        Assert.Equal(MerkleRangeOf(0, 0), Bounds(Assert.Single(ReadRanges(initiator.Section(ack, MessageType.MerkleRanges), initiator.Node.Limits))));
    }

    [Fact]
    public void OnSyn_AsADatagram_WithAStreamChannel_IsCutToADatagram_AndTheInitiatorAsksOnOverItsOwnStream()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair(1 << 20);
        FillWithState(responder, 100);

        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);
        SentFrame ack = Assert.Single(responder.Transport.Sent);
        Assert.False(ack.Large);
        Assert.True(ack.Bytes.Length <= responder.Frames.DatagramBytes);

        // The ACK was cut inside the range asked about: the next SYN goes over the initiator's stream, the rest comes back on it.
        responder.DeliverAll(initiator);
        SentFrame next = Assert.Single(initiator.Transport.Sent, f => initiator.Has(f, MessageType.DigestSyn));
        Assert.True(next.Large);
        Assert.False(next.BackOnStream);
        initiator.DeliverAll(responder);
        SentFrame rest = Assert.Single(responder.Transport.Sent, f => initiator.Has(f, MessageType.DigestAck));
        Assert.True(rest.BackOnStream);
        Assert.DoesNotContain(responder.Transport.Sent, f => f.Large && !f.BackOnStream);
    }

    [Fact]
    public void OnSyn_AckTooBigForADatagramWithoutAStreamChannel_IsCutToFitAndSaysWhereToGoOn()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        FillWithState(responder, 100);

        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);

        SentFrame ack = Assert.Single(responder.Transport.Sent);
        Assert.False(ack.Large);
        Assert.True(ack.Bytes.Length <= responder.Frames.DatagramBytes);
        List<DecodedDelta> deltas = ReadAck(initiator.Section(ack, MessageType.DigestAck), initiator.Node.Limits).Deltas;
        MerkleRange continuation = Assert.Single(ReadRanges(initiator.Section(ack, MessageType.MerkleRanges), initiator.Node.Limits));
        Assert.InRange(deltas.Count, 1, 100);
        Assert.Equal(ulong.MaxValue, continuation.End);
        Assert.True(continuation.Start > deltas[^2].Header.Node.Value);
        Assert.True(continuation.Start <= deltas[^1].Header.Node.Value + 1);
    }

    [Fact]
    public void OnSyn_RangeAgreesButTheRestDiffers_ContinuesJustPastTheRange()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        initiator.AddMembers(Ids(2, 400));
        responder.AddMembers([1, .. Ids(3, 399), 5_000]);

        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        MerkleRange synRange = ReadSyn(initiator, initiator.Transport.Sent[0]).Ranges[0];
        initiator.DeliverAll(responder);

        SentFrame ack = Assert.Single(responder.Transport.Sent);
        (List<DigestEntry> requests, List<DecodedDelta> deltas) = ReadAck(responder.Section(ack, MessageType.DigestAck), responder.Node.Limits);
        Assert.Empty(requests);
        Assert.Empty(deltas);
        Assert.Equal(MerkleRangeOf(synRange.End + 1, ulong.MaxValue), Bounds(Assert.Single(ReadRanges(responder.Section(ack, MessageType.MerkleRanges), responder.Node.Limits))));
    }

    [Fact]
    public void OnAck_AppliesTheDeltasAndAnswersTheRequestsWithAnAck2AndStops()
    {
        (ComponentHarness initiator, ComponentHarness responder) = SynBetweenDifferentTables();

        responder.DeliverAll(initiator);

        Assert.True(initiator.Members.TryGet(new NodeId(5), out _));
        Assert.True(initiator.Members.TryGet(new NodeId(2), out _));
        SentFrame ack2 = Assert.Single(initiator.Transport.Sent);
        Assert.Equal(MessageType.DigestAck2, Assert.Single(initiator.Sections(ack2)).Type);
        List<DecodedDelta> deltas = ReadDeltas(initiator.Section(ack2, MessageType.DigestAck2), initiator.Node.Limits);
        Assert.Equal([3ul, 4ul], deltas.Select(d => d.Header.Node.Value));
        Assert.Equal([2ul], deltas[0].Entries.Select(e => e.Version));
    }

    [Fact]
    public void OnAck_WithAContinuationToTheTop_SweepsOnFromItsStart()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        FillWithState(responder, 100);
        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);
        MerkleRange continuation = ReadRanges(initiator.Section(responder.Transport.Sent[0], MessageType.MerkleRanges), initiator.Node.Limits)[0];

        responder.DeliverAll(initiator);

        SentFrame syn = Assert.Single(initiator.Transport.Sent, f => initiator.Has(f, MessageType.DigestSyn));
        Assert.Equal(continuation.Start, ReadSyn(initiator, syn).Ranges[0].Start);
        Assert.Equal(responder.Transport.LocalAddress, syn.Destination);
    }

    [Fact]
    public void OnAck2_AppliesTheRequestedDeltas()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        Member[] mine = initiator.AddMembers(3, 4);
        initiator.SetState(mine[0], "k", 2);
        responder.AddMembers(1, 3);
        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);
        responder.DeliverAll(initiator);

        initiator.DeliverAll(responder);

        Assert.Equal(2ul, responder.Member(3).State["k"].Version);
        Assert.True(responder.Members.TryGet(new NodeId(4), out _));
        Assert.Empty(responder.Transport.Sent);
    }

    [Fact]
    public void Reconcile_TwoDifferentTablesWithAStreamChannel_ConvergeInOneSweep()
    {
        (ComponentHarness initiator, ComponentHarness responder) = DifferentTables(1 << 20);

        initiator.Reconcile(responder);

        AssertConverged(initiator, responder);
    }

    [Fact]
    public void Reconcile_TwoDifferentTablesOverDatagramsOnly_ConvergeInAFewSweeps()
    {
        (ComponentHarness initiator, ComponentHarness responder) = DifferentTables(0);

        int sweeps = 0;
        while (initiator.Members.Table.Hash != responder.Members.Table.Hash && sweeps < 20)
        {
            initiator.Reconcile(responder);
            sweeps++;
        }

        AssertConverged(initiator, responder);
    }

    // Was skipped as a known bug until 2026-12-02: an ACK2 too big for one datagram was cut and the rest of the
    // requested deltas dropped, while the sweep moved on; it now goes on in further datagrams.
    [Fact]
    public void Reconcile_TwoDifferentTablesOverDatagramsOnly_ConvergeInOneSweep()
    {
        (ComponentHarness initiator, ComponentHarness responder) = DifferentTables(0);

        initiator.Reconcile(responder);

        AssertConverged(initiator, responder);
    }

    /// <summary>Member 3 (with state) and 4 at the initiator, 1, 3 and 5 at the responder; the initiator's SYN delivered.</summary>
    private static (ComponentHarness Initiator, ComponentHarness Responder) SynBetweenDifferentTables()
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair();
        Member[] mine = initiator.AddMembers(3, 4);
        initiator.SetState(mine[0], "k", 2);
        responder.AddMembers(1, 3, 5);
        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        initiator.DeliverAll(responder);
        return (initiator, responder);
    }

    private static (ComponentHarness Initiator, ComponentHarness Responder) Pair(int maxLargeFrameBytes = 0) =>
        (new ComponentHarness(maxLargeFrameBytes: maxLargeFrameBytes, selfId: 1), new ComponentHarness(maxLargeFrameBytes: maxLargeFrameBytes, selfId: 2));

    private static (ComponentHarness Initiator, ComponentHarness Responder) DifferentTables(int maxLargeFrameBytes)
    {
        (ComponentHarness initiator, ComponentHarness responder) = Pair(maxLargeFrameBytes);
        foreach (Member member in initiator.AddMembers(Ids(3, 150)).Where(m => m.Id.Value < 100))
        {
            initiator.SetState(member, "a", 1 + (member.Id.Value % 3), new string('a', 40));
        }

        foreach (Member member in responder.AddMembers([1, .. Ids(100, 200)]).Where(m => m.Id.Value >= 100))
        {
            responder.SetState(member, "b", 1 + (member.Id.Value % 2), new string('b', 40));
        }

        initiator.SetState(initiator.Self, "self", 4);
        responder.SetState(responder.Self, "self", 5);
        Assert.NotEqual(initiator.Members.Table.Hash, responder.Members.Table.Hash);
        return (initiator, responder);
    }

    private static void AssertConverged(ComponentHarness initiator, ComponentHarness responder)
    {
        Assert.Equal(initiator.Members.Table.Hash, responder.Members.Table.Hash);
        Assert.Equal(initiator.Members.Table.Count, responder.Members.Table.Count);
        Assert.Equal(5ul, initiator.Member(2).State["self"].Version);
        Assert.Equal(4ul, responder.Member(1).State["self"].Version);
        Assert.Equal(["b"], initiator.Member(120).State.Keys);
        Assert.Equal(["a"], responder.Member(50).State.Keys);
        Assert.Equal(responder.Member(250).MaxVersion, initiator.Member(250).MaxVersion);
    }

    private static void FillWithState(ComponentHarness harness, int members)
    {
        foreach (Member member in harness.AddMembers(Ids(10, members)))
        {
            harness.SetState(member, "k", 1, new string('v', 200));
        }
    }

    private static ulong[] Ids(ulong first, int count) => Enumerable.Range(0, count).Select(i => first + (ulong)i).ToArray();

    private static (ulong Start, ulong End) MerkleRangeOf(ulong start, ulong end) => (start, end);

    private static (ulong Start, ulong End) Bounds(MerkleRange range) => (range.Start, range.End);

    private static (List<MerkleRange> Ranges, List<DigestEntry> Digest) ReadSyn(ComponentHarness reader, SentFrame syn) =>
        (ReadRanges(reader.Section(syn, MessageType.MerkleRanges), reader.Node.Limits), ReadDigest(reader.Section(syn, MessageType.DigestSyn), reader.Node.Limits));

    [Fact]
    public void Reconnect_WithOnlyAReapedMember_SendsItASynEveryFiveSyncIntervals()
    {
        var harness = new ComponentHarness(new GossipOptions { ReapAfterRounds = 1 });
        Member gone = harness.AddMembers(2)[0];
        harness.Members.MarkDown(gone, MemberStatus.Dead);
        harness.Members.Reap(1);
        Assert.Empty(harness.Members.Down);

        harness.Exchange.Reconnect(24);
        Assert.Empty(harness.Transport.Sent);
        harness.Exchange.Reconnect(25);

        SentFrame syn = Assert.Single(harness.Transport.Sent);
        Assert.Equal(gone.Address, syn.Destination);
        Assert.Contains(harness.Sections(syn), section => section.Type == MessageType.DigestSyn);
    }
}
