using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>The node's part in push-sum aggregation, driven on AggregationRound alone.</summary>
public sealed class AggregationRoundTests
{
    [Fact]
    public void Step_BeforeAValueIsPublishedOrAnEpochHeardOf_SendsNothing()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);

        harness.Aggregation.Step();

        Assert.Empty(harness.Transport.Sent);
    }

    [Fact]
    public void Step_AfterPublish_EntersTheClocksEpochAndSendsHalfItsMassToOnePeer()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2, 3);
        harness.Aggregation.Publish(10);

        harness.Aggregation.Step();

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.Contains(sent.Destination, new[] { ComponentHarness.AddressOf(2), ComponentHarness.AddressOf(3) });
        AggregateShare share = ReadShare(harness, sent);
        Assert.Equal(ClockEpoch(harness), share.Epoch);
        Assert.Equal((5.0, 0.5, 0.5, 0.5, 10.0, 10.0), (share.ValueSum, share.ValueWeight, share.CountSum, share.CountWeight, share.Min, share.Max));
    }

    [Fact]
    public void Step_NotTheLowestLiveMember_InjectsNoCountWeight()
    {
        var harness = new ComponentHarness(selfId: 5);
        harness.AddMembers(2);
        harness.Aggregation.Publish(10);

        harness.Aggregation.Step();

        Assert.Equal(0.0, ReadShare(harness, Assert.Single(harness.Transport.Sent)).CountWeight);
    }

    [Fact]
    public void Step_EachRound_KeepsHalfAndSendsHalf()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Aggregation.Publish(8);

        harness.Aggregation.Step();
        harness.Aggregation.Step();

        Assert.Equal([4.0, 2.0], harness.Transport.Sent.Select(f => ReadShare(harness, f).ValueSum));
    }

    [Fact]
    public void Published_ChangesOnlyWhenAnEpochCompletes()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Aggregation.Publish(10);
        harness.Aggregation.Step();
        uint epoch = ClockEpoch(harness);
        harness.Aggregation.Receive(new AggregateShare(epoch, 15, 0.5, 0.5, 0, 30, 30));
        harness.Aggregation.Step();
        AggregateEstimate during = harness.Aggregation.Published;

        harness.Time.Advance(harness.Options.GossipInterval * harness.Options.AggregationEpochRounds);
        harness.Aggregation.Step();
        AggregateEstimate after = harness.Aggregation.Published;

        Assert.Equal(0u, during.Epoch);
        Assert.Equal(epoch, after.Epoch);
        Assert.Equal(20.0, after.Average, 9);
        Assert.Equal(2.0, after.Count, 9);
        Assert.Equal((10.0, 30.0), (after.Min, after.Max));
        Assert.Equal(epoch + 1, ReadShare(harness, harness.Transport.Sent[^1]).Epoch);
    }

    [Fact]
    public void Receive_ANewerEpoch_MovesToItAndCompletesTheCurrentOne()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Aggregation.Publish(10);
        harness.Aggregation.Step();
        uint epoch = ClockEpoch(harness);

        harness.Aggregation.Receive(new AggregateShare(epoch + 1, 1, 1, 1, 1, 1, 1));
        harness.Aggregation.Step();

        Assert.Equal(epoch + 1, ReadShare(harness, harness.Transport.Sent[^1]).Epoch);
        Assert.Equal(epoch, harness.Aggregation.Published.Epoch);
    }

    [Fact]
    public void Receive_AnEpochBeyondTheNextOfOurClock_IsDroppedAndAggregationGoesOn()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Aggregation.Publish(10);
        harness.Aggregation.Step();
        uint epoch = ClockEpoch(harness);

        harness.Aggregation.Receive(new AggregateShare(uint.MaxValue, 1, 1, 1, 1, 1, 1));
        harness.Aggregation.Receive(new AggregateShare(epoch + 2, 1, 1, 1, 1, 1, 1));
        harness.Aggregation.Step();

        Assert.Equal(epoch, ReadShare(harness, harness.Transport.Sent[^1]).Epoch);
        Assert.Equal(0u, harness.Aggregation.Published.Epoch);
    }

    [Fact]
    public void Receive_AnOlderEpoch_IsDropped()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(2);
        harness.Aggregation.Publish(10);
        harness.Aggregation.Step();
        uint epoch = ClockEpoch(harness);

        harness.Aggregation.Receive(new AggregateShare(epoch - 1, 1_000, 1, 1, 1, -5, 1_000));
        harness.Aggregation.Step();

        AggregateShare share = ReadShare(harness, harness.Transport.Sent[^1]);
        Assert.Equal((epoch, 2.5, 10.0, 10.0), (share.Epoch, share.ValueSum, share.Min, share.Max));
    }

    [Fact]
    public void Receive_WithoutAValueOfOurOwn_MakesUsPassTheMassOn()
    {
        var harness = new ComponentHarness(selfId: 5);
        harness.AddMembers(2);
        uint epoch = ClockEpoch(harness);

        harness.Aggregation.Receive(new AggregateShare(epoch, 6, 1, 1, 0, 6, 6));
        harness.Aggregation.Step();

        AggregateShare share = ReadShare(harness, Assert.Single(harness.Transport.Sent));
        Assert.Equal((epoch, 3.0, 0.5), (share.Epoch, share.ValueSum, share.ValueWeight));
    }

    private static uint ClockEpoch(ComponentHarness harness)
    {
        long epochMilliseconds = (long)harness.Options.GossipInterval.TotalMilliseconds * harness.Options.AggregationEpochRounds;
        return (uint)(harness.Time.GetUtcNow().ToUnixTimeMilliseconds() / epochMilliseconds) + 1;
    }

    private static AggregateShare ReadShare(ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(harness.Section(frame, MessageType.Aggregation));
        Assert.Equal(WireStatus.Ok, AggregateShare.TryRead(ref reader, out AggregateShare share));
        return share;
    }
}

/// <summary>The never-torn publication AggregationRound uses (SeqLocked).</summary>
/// <remarks>
/// Runs alone: its writer and readers spin on both cores, and tests that measure allocations on a socket's thread
/// (UdpTransportTests) allocate when starved of CPU.
/// </remarks>
[Collection(nameof(SeqLockedTests))]
[CollectionDefinition(nameof(SeqLockedTests), DisableParallelization = true)]
public sealed class SeqLockedTests
{
    [Fact]
    public void SeqLocked_WriteThenRead_ReturnsTheValueWritten()
    {
        var locked = new SeqLocked<AggregateEstimate>();
        Assert.Equal(default, locked.Read());

        locked.Write(new AggregateEstimate(7, 1.5, 3, 2, 1, 2));

        Assert.Equal(new AggregateEstimate(7, 1.5, 3, 2, 1, 2), locked.Read());
    }

    [Fact]
    public void SeqLocked_ReadWhileAnotherThreadWrites_NeverSeesATornValue()
    {
        const int Writes = 300_000;
        const int Reads = 300_000;
        var locked = new SeqLocked<Wide>();
        long torn = 0;
        var writer = new Thread(() =>
        {
            for (long i = 1; i <= Writes; i++)
            {
                locked.Write(Wide.Of(i));
            }
        });
        Thread[] readers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < Reads; i++)
            {
                Wide seen = locked.Read();
                if (!seen.AllEqual)
                {
                    Interlocked.Increment(ref torn);
                }
            }
        })).ToArray();

        writer.Start();
        foreach (Thread reader in readers)
        {
            reader.Start();
        }

        writer.Join();
        foreach (Thread reader in readers)
        {
            reader.Join();
        }

        Assert.Equal(0, torn);
        Assert.Equal(Wide.Of(Writes), locked.Read());
    }

    /// <summary>A value far wider than a machine word, every field the same number: a torn read shows as unequal fields.</summary>
    private readonly record struct Wide(Fields Fields)
    {
        public bool AllEqual
        {
            get
            {
                Fields copy = Fields;
                ReadOnlySpan<long> fields = copy;
                return !fields.ContainsAnyExcept(fields[0]);
            }
        }

        public static Wide Of(long value)
        {
            Fields fields = default;
            ((Span<long>)fields).Fill(value);
            return new Wide(fields);
        }

        public bool Equals(Wide other)
        {
            Fields mine = Fields;
            Fields theirs = other.Fields;
            return ((ReadOnlySpan<long>)mine).SequenceEqual(theirs);
        }

        public override int GetHashCode() => Fields[0].GetHashCode();
    }

    [System.Runtime.CompilerServices.InlineArray(64)]
    private struct Fields
    {
        private long _first;
    }
}
