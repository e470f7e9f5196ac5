using Gossip.Engine.Simulation;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Broadcasts;

/// <summary>
/// Broadcasts sent while part of the cluster cannot hear them reach every live member once it can, exactly once: the
/// backstop behind rumor mongering. All in simulation (virtual time, 200 ms rounds), asserted in rounds.
/// </summary>
public sealed class BroadcastRecoveryTests(ITestOutputHelper output)
{
    private const int Nodes = 32;

    [Theory]
    [InlineData(5)] // 1 s
    [InlineData(25)] // 5 s
    [InlineData(60)] // 12 s
    [InlineData(300)] // 60 s
    public void BroadcastsDuringAHalfAndHalfSplit_ReachEveryLiveMemberAfterTheHeal_ExactlyOnce(int splitRounds)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = Nodes, Seed = 21 + (ulong)splitRounds, Configure = DeliveryLog.Notify });
        var log = new DeliveryLog(cluster);
        log.RunRounds(10);
        for (int i = Nodes / 2; i < Nodes; i++)
        {
            cluster.Network.SetPartition(cluster.Nodes[i].Address, 1);
        }

        // From both sides, early and late in the split, so each side misses the other's.
        List<RumorId> sent = [cluster.Nodes[3].Broadcast([1]), cluster.Nodes[20].Broadcast([2])];
        log.RunRounds(splitRounds - 1);
        sent.Add(cluster.Nodes[3].Broadcast([3]));
        sent.Add(cluster.Nodes[27].Broadcast([4]));
        log.RunRounds(1);
        Assert.False(log.AllLiveDelivered(sent[0]), "the split did not keep a broadcast from the other side: the test proves nothing");

        cluster.Network.HealPartitions();
        int rounds = log.RunUntilDelivered(sent, maxRounds: 200);
        log.RunRounds(100); // retransmits and repairs still in flight must not deliver anything twice

        output.WriteLine($"split {splitRounds} rounds: every live member had all 4 broadcasts {rounds} rounds after the heal");
        Assert.InRange(rounds, 0, 200);
        Assert.Equal(1, log.MaxDeliveries);
        Assert.Empty(log.Gaps);
        Assert.True(cluster.Nodes.Sum(n => n.Counters.BroadcastsRecovered) > 0, "nothing came through the backstop");
    }

    [Fact]
    public void BroadcastsToANodePausedForTwoSeconds_ReachItAfterTheResume_ExactlyOnce()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = Nodes,
            Seed = 31,
            Configure = DeliveryLog.Notify,
            Network = new SimulatedNetworkOptions { PausedBufferFrames = 2 }, // a small socket buffer: most of what came meanwhile is lost
        });
        var log = new DeliveryLog(cluster);
        log.RunRounds(10);
        cluster.Pause(5);
        List<RumorId> sent = [];
        for (int i = 0; i < 10; i++)
        {
            sent.Add(cluster.Nodes[i % 3].Broadcast([(byte)i]));
            log.RunRounds(1);
        }

        cluster.Resume(5);
        log.Drain();
        Assert.False(sent.All(log.AllLiveDelivered), "the pause lost nothing: the test proves nothing");
        int rounds = log.RunUntilDelivered(sent, maxRounds: 100);
        log.RunRounds(100);

        output.WriteLine($"paused 10 rounds: every live member had all 10 broadcasts {rounds} rounds after the resume");
        Assert.InRange(rounds, 0, 100);
        Assert.Equal(1, log.MaxDeliveries);
        Assert.True(cluster.Nodes[5].Counters.BroadcastsRecovered > 0);
        Assert.Empty(log.Gaps);
    }

    [Fact]
    public void ANodeAwayLongerThanTheRetention_GetsAGapEventNamingTheOriginAndRange_ThenLaterBroadcasts()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 16,
            Seed = 41,
            Configure = o =>
            {
                DeliveryLog.Notify(o);
                o.BroadcastRetention = TimeSpan.FromSeconds(4); // 20 rounds
            },
        });
        var log = new DeliveryLog(cluster);
        log.RunRounds(10);
        cluster.Network.SetPartition(cluster.Nodes[9].Address, 1);
        List<RumorId> missed = [];
        for (int i = 0; i < 3; i++)
        {
            missed.Add(cluster.Nodes[2].Broadcast([(byte)i]));
            log.RunRounds(1);
        }

        log.RunRounds(60); // 12 s away: past the retention everywhere
        RumorId retained = cluster.Nodes[2].Broadcast([9]);
        log.RunRounds(2);
        cluster.Network.HealPartitions();
        int rounds = log.RunUntilDelivered([retained], maxRounds: 200);
        log.RunRounds(100);

        Assert.InRange(rounds, 0, 200);
        (int node, GossipEvent gap) = Assert.Single(log.Gaps);
        Assert.Equal(9, node);
        Assert.Equal(cluster.Nodes[2].Id, gap.Member);
        Assert.Equal(missed[0], gap.Rumor);
        Assert.Equal(missed[^1], gap.LastMissed);
        Assert.All(missed, id => Assert.Equal(0, log.Deliveries(9, id)));
        Assert.Equal(1, log.Deliveries(9, retained));
        Assert.Equal(1, log.MaxDeliveries);
        Assert.Equal(3, cluster.Nodes[9].Counters.BroadcastsMissed);
    }

    [Fact]
    public void ARestartedOrigin_StartsANewSequence_AndReceiversDeliverBoth()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 12, Seed = 51, Configure = DeliveryLog.Notify });
        var log = new DeliveryLog(cluster);
        log.RunRounds(10);
        RumorId before = cluster.Nodes[4].Broadcast([1]);
        log.RunRounds(20);
        cluster.Crash(4);
        log.RunRounds(5);
        GossipNode restarted = cluster.Restart(4);
        log.RunRounds(20);
        RumorId after = restarted.Broadcast([2]);
        int rounds = log.RunUntilDelivered([after], maxRounds: 100);
        log.RunRounds(100);

        Assert.Equal(before.Sequence, after.Sequence);
        Assert.NotEqual(before, after);
        Assert.InRange(rounds, 0, 100);
        for (int i = 0; i < 12; i++)
        {
            if (i != 4)
            {
                Assert.Equal(1, log.Deliveries(i, before));
                Assert.Equal(1, log.Deliveries(i, after));
            }
        }
    }

    [Fact]
    public void UnderLossAndDuplication_EveryBroadcastIsDeliveredExactlyOnce()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 24,
            Seed = 61,
            Configure = DeliveryLog.Notify,
            Network = new SimulatedNetworkOptions { LossRate = 0.3, DuplicateRate = 0.1, MaxDelay = TimeSpan.FromMilliseconds(300) },
        });
        var log = new DeliveryLog(cluster);
        log.RunRounds(10);
        List<RumorId> sent = [];
        for (int i = 0; i < 20; i++)
        {
            sent.Add(cluster.Nodes[i % 5].Broadcast([(byte)i]));
            log.RunRounds(1);
        }

        int rounds = log.RunUntilDelivered(sent, maxRounds: 300);
        log.RunRounds(100);

        Assert.InRange(rounds, 0, 300);
        Assert.Equal(1, log.MaxDeliveries);
        Assert.True(cluster.Network.DatagramsDuplicated > 0);
    }
}
