using Gossip.Engine.Broadcasts;
using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Broadcasts;

/// <summary>The retention buffer keeps the newest broadcasts within its count, byte and age bounds, and counts what it lets go.</summary>
public sealed class RetentionBufferTests
{
    private static readonly StreamKey Stream = new(new NodeId(2), 1);

    [Fact]
    public void ByCount_TheOldestIsEvicted()
    {
        var buffer = new RetentionBuffer(maxCount: 3, maxBytes: 1_000, maxAgeRounds: 100);
        for (uint s = 1; s <= 5; s++)
        {
            buffer.Add(Stream, s, [1, 2], round: s);
        }

        Assert.Equal((3, 6L, 2L), (buffer.Count, buffer.Bytes, buffer.Evicted));
        Assert.False(buffer.TryFind(Stream, 2, out _));
        Assert.True(buffer.TryFind(Stream, 3, out ReadOnlySpan<byte> kept));
        Assert.Equal([1, 2], kept.ToArray());
        Assert.Equal(3u, buffer.LowestAbove(Stream, 0, none: 99));
    }

    [Fact]
    public void ByBytes_TheOldestAreEvicted_AndOneLargerThanTheBoundIsNotKept()
    {
        var buffer = new RetentionBuffer(maxCount: 100, maxBytes: 10, maxAgeRounds: 100);
        buffer.Add(Stream, 1, new byte[4], round: 1);
        buffer.Add(Stream, 2, new byte[4], round: 1);
        buffer.Add(Stream, 3, new byte[4], round: 1);

        Assert.Equal((2, 8L, 1L), (buffer.Count, buffer.Bytes, buffer.Evicted));

        buffer.Add(Stream, 4, new byte[11], round: 1);

        Assert.Equal((2, 8L, 2L), (buffer.Count, buffer.Bytes, buffer.Evicted));
        Assert.False(buffer.TryFind(Stream, 4, out _));
    }

    [Fact]
    public void ByAge_WhatIsOlderThanTheBoundExpires()
    {
        var buffer = new RetentionBuffer(maxCount: 100, maxBytes: 1_000, maxAgeRounds: 10);
        buffer.Add(Stream, 1, [1], round: 1);
        buffer.Add(Stream, 2, [2], round: 5);

        buffer.Expire(round: 11);
        Assert.Equal(2, buffer.Count);
        buffer.Expire(round: 12);

        Assert.Equal((1, 1L), (buffer.Count, buffer.Evicted));
        Assert.Equal(2u, buffer.LowestAbove(Stream, 0, none: 99));
        Assert.Equal(99u, buffer.LowestAbove(Stream, 2, none: 99));
    }

    [Fact]
    public void ANode_CountsWhatItRetainsAndEvicts()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 4, Seed = 3, Configure = o => o.MaxRetainedBroadcasts = 4 });
        for (int i = 0; i < 10; i++)
        {
            cluster.Nodes[0].Broadcast([1, 2, 3]);
        }

        cluster.RunRounds(5);

        foreach (GossipNode node in cluster.Nodes)
        {
            Assert.Equal(4, node.Counters.RetainedBroadcasts);
            Assert.Equal(12, node.Counters.RetainedBroadcastBytes);
            Assert.Equal(6, node.Counters.BroadcastsEvicted);
        }
    }
}
