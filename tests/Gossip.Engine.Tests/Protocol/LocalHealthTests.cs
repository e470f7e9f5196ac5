using Gossip.Engine.FailureDetection;
using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Protocol;

public sealed class LocalHealthTests
{
    [Fact]
    public void Score_RisesWithTrouble_FallsWithAnsweredProbes_StaysInBounds()
    {
        var health = new LocalHealth(max: 3);
        Assert.Equal(5, health.Scale(5));

        health.ProbeFailed();
        health.Refuted();
        Assert.Equal(2, health.Score);
        Assert.Equal(15, health.Scale(5));

        health.ProbeFailed();
        health.ProbeFailed();
        Assert.Equal(3, health.Score);

        for (int i = 0; i < 5; i++)
        {
            health.ProbeSucceeded();
        }

        Assert.Equal(0, health.Score);
        Assert.Equal(5, health.Scale(5));
    }

    [Fact]
    public void MaxZero_TurnsTheMechanismOff()
    {
        var health = new LocalHealth(max: 0);
        health.ProbeFailed();
        health.Refuted();
        Assert.Equal(0, health.Score);
        Assert.Equal(2, health.Scale(2));
    }

    [Fact]
    public void IsolatedNode_DoubtsItself_AndRecoversAfterHealing()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 4 });
        GossipNode cut = cluster.Nodes[3];
        cluster.RunRounds(20);
        Assert.Equal(0, cut.LocalHealthScore);

        cluster.Network.SetPartition(cut.Address, 1);
        cluster.RunRounds(60);
        Assert.InRange(cut.LocalHealthScore, 2, cut.Options.MaxLocalHealthScore);
        Assert.All(cluster.Nodes.Where(n => n != cut), n => Assert.InRange(n.LocalHealthScore, 0, 1));

        cluster.Network.HealPartitions();
        Assert.InRange(cluster.RunUntil(_ => cut.LocalHealthScore == 0, 400), 1, 400);
    }
}
