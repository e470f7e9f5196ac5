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

    [Theory]
    [InlineData(1_000, 0, 0)] // on time
    [InlineData(2_000, 0, 0)] // one tick coalesced is still within two intervals
    [InlineData(2_001, 0, 1)] // more than an interval late
    [InlineData(1_000, LocalHealth.BacklogFrames - 1, 0)]
    [InlineData(1_000, LocalHealth.BacklogFrames, 1)] // behind on what we receive
    [InlineData(5_000, LocalHealth.BacklogFrames, 1)] // both signs in one round count once
    public void OnRoundStart_LateRoundOrMailboxBacklog_RaisesTheScoreOnce(long gap, int backlog, int expected)
    {
        var health = new LocalHealth(max: 8);
        health.OnRoundStart(timestamp: 10_000, intervalTicks: 1_000, backlog: 0);

        health.OnRoundStart(10_000 + gap, 1_000, backlog);

        Assert.Equal(expected, health.Score);
    }

    [Fact]
    public void OnRoundStart_FirstRound_IsNeverLate()
    {
        var health = new LocalHealth(max: 8);
        health.OnRoundStart(timestamp: 123_456_789, intervalTicks: 1_000, backlog: 0);
        Assert.Equal(0, health.Score);
    }

    [Fact]
    public void PausedNode_DoubtsItselfWhenItResumes_WhileTheOthersDoNot()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 4 });
        cluster.RunRounds(40);
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.LocalHealthScore));

        cluster.Pause(5);
        cluster.RunRounds(3); // 600 ms: short enough that nobody suspects it, long enough to make its next round late
        cluster.Resume(5);
        cluster.RunRound();

        Assert.Equal(1, cluster.Nodes[5].LocalHealthScore);
        Assert.All(cluster.Nodes.Where(n => n != cluster.Nodes[5]), n => Assert.Equal(0, n.LocalHealthScore));
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
