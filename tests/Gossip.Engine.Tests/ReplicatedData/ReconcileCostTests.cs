using System.Buffers.Binary;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>
/// The Merkle repair's cost grows with the difference, not the map: two replicas of a million keys that differ in 100
/// reconcile in at most 64 KB and depth + 2 exchanges (a flat digest of every key would be about 16 MB).
/// </summary>
public sealed class ReconcileCostTests
{
    [Fact]
    public void MillionKeys_HundredDiffering_ReconcileInAtMost64KBAndDepthPlusTwoExchanges()
    {
        (long bytes, long frames, int depth, int rounds) = Reconcile(keys: 1_000_000, differing: 100, seed: 31);
        Console.WriteLine($"d=100 of 1,000,000: {bytes} B, {frames} frames, depth {depth}, {rounds} rounds");

        Assert.InRange(bytes, 1, 64_000);
        Assert.InRange(frames, depth, depth + 2);
        Assert.InRange(rounds, 1, 10);
    }

    [Fact]
    public void TenThousandKeys_OneDiffering_CostsAFewHundredBytes()
    {
        (long bytes, long frames, int depth, _) = Reconcile(keys: 10_000, differing: 1, seed: 32);

        Assert.InRange(bytes, 1, 1_000);
        Assert.InRange(frames, depth, depth + 2);
    }

    /// <summary>
    /// Loads the same <paramref name="keys"/> entries into two nodes (bypassing the rumor path, as if they had converged
    /// long ago), makes <paramref name="differing"/> keys differ (half newer on one side, half present on the other side
    /// only), then runs rounds until the roots agree. Returns the repair bytes and frames both nodes sent.
    /// </summary>
    internal static (long Bytes, long Frames, int Depth, int Rounds) Reconcile(int keys, int differing, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 2,
            Seed = seed,
            Configure = o =>
            {
                o.EventCapacity = 0;
                o.MaxDataEntries = 2 * keys;
            },
        });
        cluster.RunRounds(3);
        GossipNode a = cluster.Nodes[0];
        GossipNode b = cluster.Nodes[1];
        long now = cluster.Network.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Load(a.Data, b.Data, keys, differing, now, a.Id, b.Id);
        Assert.NotEqual(a.DataRootHash, b.DataRootHash);
        Assert.Equal(a.Data.Depth, b.Data.Depth);

        int rounds = cluster.RunUntil(c => c.Nodes[0].DataRootHash == c.Nodes[1].DataRootHash, 60);

        Assert.Equal(a.DataRootHash, b.DataRootHash);
        Assert.Equal(keys + (differing / 2), a.DataCount);
        return (a.Counters.DataRepairBytes + b.Counters.DataRepairBytes, a.Counters.DataRepairFrames + b.Counters.DataRepairFrames, a.Data.Depth, rounds);
    }

    internal static void Load(ReplicatedMap a, ReplicatedMap b, int keys, int differing, long now, NodeId writerA, NodeId writerB)
    {
        Span<byte> key = stackalloc byte[8];
        Span<byte> value = stackalloc byte[8];
        ulong old = HybridClock.FromMilliseconds(now - 60_000);
        for (int i = 0; i < keys; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(key, i);
            BinaryPrimitives.WriteInt64LittleEndian(value, i * 31L);
            var entry = new DataEntry(key, value, old, writerA, deleted: false);
            _ = a.Merge(entry);
            _ = b.Merge(entry);
        }

        ulong fresh = HybridClock.FromMilliseconds(now - 1_000);
        for (int j = 0; j < differing; j++)
        {
            if (j % 2 == 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(key, (j * 7_919L) % keys);
                BinaryPrimitives.WriteInt64LittleEndian(value, -j);
                Assert.Equal(MergeOutcome.Applied, b.Merge(new DataEntry(key, value, fresh, writerB, deleted: false)));
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(key, keys + j);
                Assert.Equal(MergeOutcome.Applied, a.Merge(new DataEntry(key, value, fresh, writerA, deleted: false)));
            }
        }
    }
}
