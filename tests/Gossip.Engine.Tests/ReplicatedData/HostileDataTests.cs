using Gossip.Engine.Membership;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Tests.Components;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>
/// Hostile input to the replicated-data messages: absurd tree levels, counts and indexes are refused by the frame
/// validator (the whole frame is dropped and counted), and sound frames with entries stamped far in the future, from
/// non-members, beyond the entry bound or asking for more than the round's budget are dropped, counted or capped.
/// </summary>
public sealed class HostileDataTests
{
    private static readonly WireLimits Limits = WireLimits.Datagram with { MaxFrameBytes = 1 << 20 };

    [Theory]
    [InlineData(200, 1, WireStatus.LimitExceeded)] // depth beyond any tree
    [InlineData(17, 1, WireStatus.LimitExceeded)] // depth beyond 16 nibbles of a 64-bit hash
    [InlineData(5, 0, WireStatus.Malformed)] // level 0 has no parent
    [InlineData(5, 6, WireStatus.Malformed)] // level below the depth
    public void TreeLevel_AbsurdDepthOrLevel_IsRefused(byte depth, byte level, WireStatus expected)
    {
        byte[] payload = DataFrames.Level(depth, level, parent: 0, childHash: 1);

        Assert.Equal(expected, BodyValidator.ValidateSection(MessageType.DataTreeLevel, payload, Limits));
    }

    [Fact]
    public void TreeLevel_ParentOutsideItsLevel_IsMalformed()
    {
        // Level 2's parents are at level 1: indexes 0 to 15.
        Assert.Equal(WireStatus.Ok, BodyValidator.ValidateSection(MessageType.DataTreeLevel, DataFrames.Level(5, 2, parent: 15, childHash: 1), Limits));
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataTreeLevel, DataFrames.Level(5, 2, parent: 16, childHash: 1), Limits));
    }

    [Fact]
    public void TreeLevel_CountBeyondTheListLimit_IsRefused()
    {
        byte[] payload = DataFrames.Level(5, 3, parent: 1, childHash: 1, items: Limits.MaxListCount + 1);

        Assert.Equal(WireStatus.LimitExceeded, BodyValidator.ValidateSection(MessageType.DataTreeLevel, payload, Limits));
    }

    [Fact]
    public void TreeLevel_CountClaimingMoreItemsThanSent_IsTruncated()
    {
        byte[] payload = DataFrames.Level(5, 3, parent: 1, childHash: 1);
        payload[2] = 200; // the count's low byte: 200 items announced, 1 present

        Assert.Equal(WireStatus.Truncated, BodyValidator.ValidateSection(MessageType.DataTreeLevel, payload, Limits));
    }

    [Theory]
    [InlineData(33, 0UL, WireStatus.LimitExceeded)]
    [InlineData(1, 16UL, WireStatus.Malformed)]
    [InlineData(0, 1UL, WireStatus.Malformed)]
    public void Entries_SubtreeOutsideTheTree_IsRefused(byte level, ulong index, WireStatus expected)
    {
        byte[] payload = DataFrames.Entries(answer: true, [(level, index)]);

        Assert.Equal(expected, BodyValidator.ValidateSection(MessageType.DataEntries, payload, Limits));
    }

    [Fact]
    public void Entries_UnknownFlagsEmptyKeysAndZeroStamps_AreMalformed()
    {
        byte[] flags = DataFrames.Entries(answer: false, []);
        flags[0] = 2;
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataEntries, flags, Limits));
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataEntries, DataFrames.Entries(false, [], ([], [1], 5, 2, false)), Limits));
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataEntries, DataFrames.Entries(false, [], ([1], [1], 0, 2, false)), Limits));
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataEntries, DataFrames.Entries(false, [], ([1], [1], 5, 0, false)), Limits));
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.DataEntries, DataFrames.Entries(false, [], ([1], [1], 5, 2, true)), Limits));
    }

    [Fact]
    public void EntryStampedFarInTheFuture_IsDroppedAndCounted_AndDoesNotWinLater()
    {
        (ComponentHarness harness, ReplicatedMap map, TreeRepair repair, Member[] members) = Create();
        long now = harness.Time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong future = HybridClock.FromMilliseconds(now + (long)TimeSpan.FromDays(365).TotalMilliseconds);

        repair.OnEntries(DataFrames.Entries(false, [], ([7], [1], future, 2, false)), members[0]);

        Assert.Equal(0, map.Count);
        Assert.Equal(1, harness.Counters.DataEntriesDropped);
        ulong stamp = map.Write([7], [2], deleted: false);
        Assert.True(HybridClock.PhysicalMilliseconds(stamp) <= now, "the refused stamp moved the clock");
    }

    [Fact]
    public void EntriesAndLevelsFromANonMember_AreDroppedAndNotAnswered()
    {
        (ComponentHarness harness, ReplicatedMap map, TreeRepair repair, _) = Create();
        map.Write([1], [1], deleted: false);
        harness.TakeSent();

        repair.OnEntries(DataFrames.Entries(true, [(0, 0)], ([9], [9], 5, 2, false)), null);
        repair.OnTreeLevel(DataFrames.Level(5, 1, 0, 1), null);

        Assert.Equal(1, map.Count);
        Assert.Equal(2, harness.Counters.DataEntriesDropped);
        Assert.Empty(harness.TakeSent());
    }

    [Fact]
    public void NewKeysBeyondTheBound_AreDroppedAndCounted_UpdatesStillTaken()
    {
        (ComponentHarness harness, ReplicatedMap map, TreeRepair repair, Member[] members) = Create(o => o.MaxDataEntries = 2);
        long now = harness.Time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong stamp = HybridClock.FromMilliseconds(now);

        repair.OnEntries(DataFrames.Entries(false, [], ([1], [1], stamp, 2, false), ([2], [2], stamp, 2, false), ([3], [3], stamp, 2, false)), members[0]);
        repair.OnEntries(DataFrames.Entries(false, [], ([1], [9], stamp + 1, 2, false)), members[0]);

        Assert.Equal(2, map.Count);
        Assert.Equal(1, harness.Counters.DataEntriesDropped);
        Assert.True(harness.Counters.LimitHits >= 1);
        Assert.True(map.TryGet([1], out byte[] value) && value[0] == 9);
        Assert.Throws<InvalidOperationException>(() => map.ThrowIfInvalid([4], [4]));
    }

    [Fact]
    public void AnswerRequestForTheWholeMap_IsCappedByTheRoundBudget()
    {
        (ComponentHarness harness, ReplicatedMap map, TreeRepair repair, Member[] members) =
            Create(o => o.DataRepairBytesPerRound = 4_096, maxLargeFrameBytes: 1 << 20);
        for (int i = 0; i < 5_000; i++)
        {
            map.Write(BitConverter.GetBytes(i), new byte[32], deleted: false);
        }

        harness.TakeSent();
        harness.NextRound();

        // Asking again and again within a round gets at most the round's budget in all.
        for (int i = 0; i < 10; i++)
        {
            repair.OnEntries(DataFrames.Entries(true, [(0, 0)]), members[0]);
        }

        List<SentFrame> sent = harness.TakeSent();
        Assert.NotEmpty(sent);
        Assert.InRange(sent.Sum(f => f.Bytes.Length), 1, 4_096);
        Assert.Equal(sent.Sum(f => (long)f.Bytes.Length), harness.Counters.DataRepairBytes);
    }

    [Fact]
    public void ExpiredTombstone_IsNotTakenBack()
    {
        (ComponentHarness harness, ReplicatedMap map, TreeRepair repair, Member[] members) = Create();
        long now = harness.Time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong old = HybridClock.FromMilliseconds(now - (long)map.TombstoneRetention.TotalMilliseconds - 1_000);

        repair.OnEntries(DataFrames.Entries(false, [], ([5], [], old, 2, true)), members[0]);

        Assert.Equal(0, map.Count);
        Assert.Equal(0, harness.Counters.DataEntriesDropped);
    }

    internal static (ComponentHarness Harness, ReplicatedMap Map, TreeRepair Repair, Member[] Members) Create(Action<GossipOptions>? configure = null, int maxLargeFrameBytes = 0)
    {
        var options = new GossipOptions { EagerPush = false };
        configure?.Invoke(options);
        var harness = new ComponentHarness(options, maxLargeFrameBytes: maxLargeFrameBytes);
        var map = new ReplicatedMap(harness.Node);
        var repair = new TreeRepair(harness.Node, map, harness.Spread, harness.Frames);
        return (harness, map, repair, harness.AddMembers(2, 3));
    }
}
