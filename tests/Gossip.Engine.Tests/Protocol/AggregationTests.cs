using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Protocol;

public sealed class AggregationTests
{
    private const int EpochRounds = 64;

    [Fact]
    public void Estimates_ConvergeToTrueAggregates_OnEveryNode()
    {
        using SimulatedCluster cluster = NewCluster(64, seed: 31);
        double sum = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            double value = 10 + (i * 1.5);
            cluster.Nodes[i].PublishValue(value);
            sum += value;
        }

        cluster.RunRounds(3 * EpochRounds);
        foreach (GossipNode node in cluster.Nodes)
        {
            AggregateEstimate e = node.Aggregate;
            Assert.True(e.Epoch > 0);
            AssertRelative(sum / 64, e.Average);
            AssertRelative(sum, e.Sum);
            AssertRelative(64, e.Count);
            Assert.Equal(10, e.Min);
            Assert.Equal(10 + (63 * 1.5), e.Max);
        }
    }

    [Fact]
    public void Estimates_FollowChurn()
    {
        using SimulatedCluster cluster = NewCluster(32, seed: 5);
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            cluster.Nodes[i].PublishValue(i);
        }

        cluster.RunRounds(2 * EpochRounds);
        cluster.Crash(31); // the maximum leaves
        cluster.Crash(30);
        cluster.Nodes[0].PublishValue(-5); // the minimum changes
        cluster.RunRounds(3 * EpochRounds);

        double expectedSum = -5;
        for (int i = 1; i < 30; i++)
        {
            expectedSum += i;
        }

        for (int i = 0; i < 30; i++)
        {
            AggregateEstimate e = cluster.Nodes[i].Aggregate;
            AssertRelative(30, e.Count);
            AssertRelative(expectedSum, e.Sum);
            Assert.Equal(-5, e.Min);
            Assert.Equal(29, e.Max);
        }
    }

    private static SimulatedCluster NewCluster(int n, ulong seed) => new(new SimulatedClusterOptions
    {
        Nodes = n,
        Seed = seed,
        Configure = o => o.AggregationEpochRounds = EpochRounds,
    });

    private static void AssertRelative(double expected, double actual)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= 1e-6, $"expected {expected}, got {actual} (relative error {error:E2})");
    }
}
