using Gossip.Engine.Simulation;
using Gossip.Wire;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>A stop-the-world pause in simulation: the node stops ticking and its receive buffer holds what arrives.</summary>
public sealed class PauseTests(ITestOutputHelper output)
{
    [Fact]
    public void Pause_HoldsFramesForThePausedNode_AndDeliversThemOnResume()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 11 });
        cluster.RunRounds(10);
        GossipNode paused = cluster.Nodes[3];
        long rounds = paused.Counters.Rounds;
        cluster.Pause(3);
        long receivedAtPause = paused.Counters.FramesReceived;

        cluster.RunRounds(5);

        Assert.True(cluster.IsPaused(3));
        Assert.Equal(rounds, paused.Counters.Rounds);
        Assert.Equal(receivedAtPause, paused.Counters.FramesReceived);

        cluster.Resume(3);

        Assert.True(paused.Counters.FramesReceived > receivedAtPause, "the held frames are handled at resume");
        Assert.Equal(0, cluster.Network.DatagramsDroppedWhilePaused);
        cluster.RunRound();
        Assert.Equal(rounds + 1, paused.Counters.Rounds);
    }

    [Fact]
    public void Pause_BeyondTheReceiveBuffer_DropsAndCountsTheRest()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 16,
            Seed = 12,
            Network = new SimulatedNetworkOptions { PausedBufferFrames = 4 },
        });
        cluster.RunRounds(5);
        cluster.Pause(0);

        cluster.RunRounds(20);
        cluster.Resume(0);

        Assert.True(cluster.Network.DatagramsDroppedWhilePaused > 0);
    }

    [Fact]
    public void Crash_WhilePaused_DropsWhatWasHeld()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 13 });
        cluster.RunRounds(5);
        cluster.Pause(2);
        cluster.RunRounds(3);
        long received = cluster.Nodes[2].Counters.FramesReceived;

        cluster.Crash(2);
        cluster.RunRounds(3);

        Assert.False(cluster.IsPaused(2));
        Assert.Equal(received, cluster.Nodes[2].Counters.FramesReceived);
    }

    [Fact]
    public void PauseOfOneSecond_OnAnyOfTenNodesOfA128NodeCluster_CausesNoDeathDeclaration()
    {
        long deaths = 0, suspicions = 0;
        for (int k = 0; k < 10; k++)
        {
            using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 128, Seed = (ulong)(21 + k) });
            cluster.RunRounds(20 + k);
            int victim = (13 * k) + 1;
            cluster.Pause(victim);
            cluster.RunRounds(5); // 1 s at the default 200 ms interval
            cluster.Resume(victim);
            cluster.RunRounds(100);
            foreach (GossipNode node in cluster.Nodes)
            {
                deaths += node.Counters.DeathsDeclared;
                suspicions += node.Counters.Suspicions;
                Assert.Equal(128, node.LiveMemberCount);
            }
        }

        output.WriteLine($"ten 1 s pauses: {suspicions} suspicions, {deaths} death declarations");
        Assert.Equal(0, deaths);
    }

    [Fact]
    public void PauseLongerThanTheSuspicionTimeout_EndsWithThePausedNodeAliveEverywhere()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 31 });
        cluster.RunRounds(20);
        cluster.Pause(5);
        cluster.RunRounds(50); // 10 s: long enough to be declared dead by everyone
        int declaredDead = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            declaredDead += node.Id != cluster.Nodes[5].Id && node.Members.Any(m => m.Id == cluster.Nodes[5].Id && m.Status == MemberStatus.Dead) ? 1 : 0;
        }

        cluster.Resume(5);
        int rounds = cluster.RunUntil(c => c.Nodes.All(n => n.LiveMemberCount == 64), 200);

        output.WriteLine($"10 s pause: {declaredDead} of 63 nodes saw it dead; alive everywhere {rounds} rounds after resume");
        Assert.Equal(63, declaredDead);
        Assert.InRange(rounds, 1, 50);
    }
}
