using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Protocol;

public sealed class SteadyStateAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SteadyStateRounds_AllocateNothing(bool exchangeWhenIdle)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 4, Configure = o => o.ExchangeWhenIdle = exchangeWhenIdle });
        cluster.Nodes[3].SetLocal("k", [1, 2, 3]);
        cluster.Nodes[4].Broadcast([7]);
        cluster.RunRounds(300); // converge, retire the rumor, let every buffer reach its working size

        AllocationWindows.AssertNothingAllocated(AllocationWindows.Measure(4, () => cluster.RunRounds(100)));
    }

    // Encrypted is the default on real sockets: each node seals with its own ring and opens with a replay window per
    // sender, so this is the same cluster with a key.
    [Fact]
    public void SteadyStateRounds_Encrypted_AllocateNothing()
    {
        byte[] key = new byte[32];
        key[0] = 7;
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 4, Configure = o => o.Keys = new KeyRing(1, key) });
        cluster.Nodes[3].SetLocal("k", [1, 2, 3]);
        cluster.Nodes[4].Broadcast([7]);
        cluster.RunRounds(300);

        AllocationWindows.AssertNothingAllocated(AllocationWindows.Measure(4, () => cluster.RunRounds(100)));
    }

    [Fact]
    public void SteadyStateRounds_InPartialViews_AllocateNothing()
    {
        // Views that never agree: every probe's table-hash check starts a sync that offers members the full table
        // cannot take (740 B per node-round here, 1.5 KB at 10,000 nodes, before the capacity was checked ahead of
        // making a Member). 1,000 rounds let every bounded queue reach its working size first.
        using SimulatedCluster cluster = PartialViewCluster.Create(400, view: 16, seed: 6);
        cluster.RunRounds(1000);

        long limitHitsBefore = LimitHits(cluster);
        long[] allocated = AllocationWindows.Measure(3, () => cluster.RunRounds(100));

        Assert.True(LimitHits(cluster) > limitHitsBefore, "no sync offered a member the full tables could not take: the test proves nothing");
        AllocationWindows.AssertNothingAllocated(allocated);
    }

    private static long LimitHits(SimulatedCluster cluster)
    {
        long hits = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            hits += node.Counters.LimitHits;
        }

        return hits;
    }
}
