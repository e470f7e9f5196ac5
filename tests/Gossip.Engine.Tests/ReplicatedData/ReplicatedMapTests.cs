using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Tests.Components;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

public sealed class ReplicatedMapTests
{
    [Fact]
    public void Merge_TakesTheHigherStamp_ThenTheHigherWriter()
    {
        ReplicatedMap map = Create(out ComponentHarness harness);
        ulong t = HybridClock.FromMilliseconds(harness.Time.GetUtcNow().ToUnixTimeMilliseconds() - 1_000);

        Assert.Equal(MergeOutcome.Applied, map.Merge(new DataEntry([1], [1], t, new NodeId(5), false)));
        Assert.Equal(MergeOutcome.Stale, map.Merge(new DataEntry([1], [2], t - 1, new NodeId(9), false)));
        Assert.Equal(MergeOutcome.Stale, map.Merge(new DataEntry([1], [3], t, new NodeId(4), false)));
        Assert.Equal(MergeOutcome.Stale, map.Merge(new DataEntry([1], [1], t, new NodeId(5), false)));
        Assert.Equal(MergeOutcome.Applied, map.Merge(new DataEntry([1], [4], t, new NodeId(6), false)));
        Assert.True(map.TryGet([1], out byte[] value) && value[0] == 4);
        Assert.Equal(MergeOutcome.Applied, map.Merge(new DataEntry([1], [], t + 1, new NodeId(1), true)));
        Assert.False(map.TryGet([1], out _));
        Assert.Equal(1, map.Count);
    }

    [Fact]
    public void LocalWrite_AfterSeeingAPeerStamp_WinsOverIt()
    {
        ReplicatedMap map = Create(out ComponentHarness harness);
        long now = harness.Time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong ahead = HybridClock.FromMilliseconds(now + 5_000); // a peer whose clock is 5 s ahead (within the skew)
        Assert.Equal(MergeOutcome.Applied, map.Merge(new DataEntry([1], [1], ahead, new NodeId(9), false)));

        ulong stamp = map.Write([1], [2], deleted: false);

        Assert.True(stamp > ahead);
        Assert.True(map.TryGet([1], out byte[] value) && value[0] == 2);
    }

    [Fact]
    public void Tombstones_AreCollectedAfterTheRetention_NotBefore()
    {
        ReplicatedMap map = Create(out ComponentHarness harness);
        map.Write([1], [1], deleted: false);
        map.Write([1], [], deleted: true);
        map.Write([2], [2], deleted: false);
        ulong before = map.Root;

        harness.Time.Advance(map.TombstoneRetention - TimeSpan.FromMinutes(1));
        map.CollectTombstones(64);
        Assert.Equal(2, map.Count);
        Assert.Equal(before, map.Root);

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        map.CollectTombstones(64);
        Assert.Equal(1, map.Count);
        Assert.NotEqual(before, map.Root);
        Assert.True(map.TryGet([2], out _));
    }

    [Fact]
    public void Retention_OutlastsTheReconnectWindow()
    {
        ReplicatedMap map = Create(out _, o =>
        {
            o.ReconnectForRounds = 432_000;
            o.DataTombstoneRetention = TimeSpan.FromMinutes(5);
        });

        Assert.Equal(TimeSpan.FromHours(25), map.TombstoneRetention);
        Assert.Equal(TimeSpan.FromHours(25), Create(out _).TombstoneRetention);
    }

    [Fact]
    public void Write_OfAnOversizedKeyOrValue_Throws()
    {
        ReplicatedMap map = Create(out _, o => o.MaxDataKeyBytes = 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => map.ThrowIfInvalid(new byte[5], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.ThrowIfInvalid([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.ThrowIfInvalid([1], new byte[1_025]));
        map.ThrowIfInvalid([1, 2, 3, 4], new byte[1_024]);
    }

    private static ReplicatedMap Create(out ComponentHarness harness, Action<GossipOptions>? configure = null)
    {
        var options = new GossipOptions();
        configure?.Invoke(options);
        harness = new ComponentHarness(options);
        return new ReplicatedMap(harness.Node);
    }
}
