using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.ReplicatedData;

public sealed class ReplicationTests
{
    [Fact]
    public void Write_SpreadsByRumorToEveryNode()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 32, Seed = 21 });
        cluster.RunRounds(5);
        cluster.Nodes[3].SetData("flag"u8, "on"u8);

        int rounds = cluster.RunUntil(c => c.Nodes.All(n => n.TryGetData("flag"u8, out byte[] v) && v.AsSpan().SequenceEqual("on"u8)), 20);

        Assert.InRange(rounds, 0, 6);
        Assert.Single(cluster.Nodes.Select(n => n.DataRootHash).Distinct());

        // A probe answered while the rumor is on its way may start a repair; the rumor carries the write, so such a
        // repair stops at the first level or two (a few hundred bytes), never a descent to the leaves and back.
        Assert.InRange(cluster.Nodes.Sum(n => n.Counters.DataRepairBytes), 0, 300 * Math.Max(1, cluster.Nodes.Sum(n => n.Counters.DataRepairs)));
    }

    [Fact]
    public void ConcurrentWrites_LaterStampWinsEverywhere()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 22 });
        cluster.RunRounds(5);
        cluster.Nodes[1].SetData("k"u8, "first"u8);
        cluster.Network.RunFor(TimeSpan.FromMilliseconds(1));
        cluster.Nodes[2].SetData("k"u8, "second"u8);
        cluster.RunRounds(30);

        Assert.All(cluster.Nodes, n => Assert.True(n.TryGetData("k"u8, out byte[] v) && v.AsSpan().SequenceEqual("second"u8)));
    }

    [Fact]
    public void Remove_LeavesATombstoneEverywhere()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 23 });
        cluster.RunRounds(5);
        cluster.Nodes[1].SetData("k"u8, "v"u8);
        cluster.RunRounds(10);
        cluster.Nodes[5].RemoveData("k"u8);
        cluster.RunRounds(20);

        Assert.All(cluster.Nodes, n => Assert.False(n.TryGetData("k"u8, out _)));
        Assert.All(cluster.Nodes, n => Assert.Equal(1, n.DataCount));
        Assert.Single(cluster.Nodes.Select(n => n.DataRootHash).Distinct());
    }

    [Fact]
    public void PartitionedNode_IsRepairedByTheTreeAfterTheHeal()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 24 });
        cluster.RunRounds(5);
        cluster.Network.SetPartition(cluster.Nodes[7].Address, 1);
        for (int i = 0; i < 200; i++)
        {
            cluster.Nodes[i % 7].SetData(BitConverter.GetBytes(i), [(byte)i]);
        }

        cluster.RunRounds(40);
        Assert.Equal(0, cluster.Nodes[7].DataCount);
        cluster.Network.HealPartitions();

        int rounds = cluster.RunUntil(c => c.Nodes.All(n => n.DataRootHash == c.Nodes[0].DataRootHash), 400);

        Assert.InRange(rounds, 0, 399);
        Assert.Equal(200, cluster.Nodes[7].DataCount);
        Assert.True(cluster.Nodes.Sum(n => n.Counters.DataRepairs) > 0, "the rumors, not the repair, brought the keys: the test proves nothing");
    }
}
