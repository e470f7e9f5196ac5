using Gossip.Engine.Simulation;
using Gossip.Wire;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Protocol;

public sealed class FailureDetectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(128)]
    public void CrashedNode_IsDeclaredDeadByEveryLiveNode_WithinBoundedRounds(int n)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = n, Seed = (ulong)n });
        cluster.RunRounds(20);
        const int Victim = 3;
        NodeId victim = cluster.Nodes[Victim].Id;
        cluster.Crash(Victim);

        int first = -1;
        int rounds = cluster.RunUntil(
            c =>
            {
                int dead = CountSeeing(c, victim, MemberStatus.Dead);
                if (dead > 0 && first < 0)
                {
                    first = c.Round;
                }

                return dead == c.LiveCount;
            },
            200);

        output.WriteLine($"n={n}: first node declared dead after {first - 20} rounds, every live node after {rounds} rounds ({rounds * 0.2:F1} s at 200 ms)");
        Assert.InRange(rounds, 1, 25);
        AssertNoFalsePositives(cluster, exceptIndex: Victim);
    }

    [Fact]
    public void NoFalsePositives_Over10000Rounds_At128Nodes_With10PercentLoss()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 128,
            Seed = 42,
            Network = new SimulatedNetworkOptions { LossRate = 0.10 },
        });
        cluster.RunRounds(10_000);

        long suspicions = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            suspicions += node.Counters.Suspicions;
        }

        output.WriteLine($"suspicions raised by loss alone over 10,000 rounds: {suspicions}, all refuted");
        AssertNoFalsePositives(cluster, exceptIndex: -1);
        long deaths = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            deaths += node.Counters.DeathsDeclared;
        }

        Assert.Equal(0, deaths);
        Assert.True(suspicions > 0, "10 % loss should cause some (refuted) suspicions; none means the detector is not probing");
    }

    [Fact]
    public void RestartedNode_IsAcceptedWithItsNewGeneration()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 5 });
        cluster.RunRounds(10);
        cluster.Crash(2);
        cluster.RunUntil(c => CountSeeing(c, c.Nodes[2].Id, MemberStatus.Dead) == c.LiveCount, 200);

        GossipNode restarted = cluster.Restart(2);
        int rounds = cluster.RunUntil(c => CountSeeingGeneration(c, restarted.Id, restarted.Generation, MemberStatus.Alive) == c.LiveCount - 1, 200);
        Assert.InRange(rounds, 0, 100);
    }

    [Fact]
    public void SuspectThatIsAlive_Refutes_AndIsNeverDeclaredDead()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 32, Seed = 11 });
        cluster.RunRounds(10);

        // Node 0 wrongly suspects node 4 (as after a lost probe); node 4 is reachable and must refute.
        cluster.Nodes[0].InjectSuspicion(cluster.Nodes[4].Id);
        Assert.Equal(1, CountSeeing(cluster, cluster.Nodes[4].Id, MemberStatus.Suspect));
        cluster.RunRounds(100);

        Assert.True(cluster.Nodes[4].Counters.Refutations > 0, "the suspect never refuted");
        Assert.Equal(0, CountSeeing(cluster, cluster.Nodes[4].Id, MemberStatus.Suspect));
        AssertNoFalsePositives(cluster, exceptIndex: -1);
    }

    [Fact]
    public void PartitionedNode_IsDeclaredDead_ThenRefutesAndIsAliveEverywhereAfterHealing()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 24, Seed = 12 });
        cluster.RunRounds(10);
        NodeId cut = cluster.Nodes[6].Id;
        cluster.Network.SetPartition(cluster.Nodes[6].Address, 1);
        Assert.InRange(cluster.RunUntil(c => CountSeeing(c, cut, MemberStatus.Dead) == c.LiveCount - 1, 200), 1, 200);

        cluster.Network.HealPartitions();
        int rounds = cluster.RunUntil(c => CountSeeing(c, cut, MemberStatus.Alive) == c.LiveCount, 300);
        Assert.InRange(rounds, 1, 300);
        Assert.True(cluster.Nodes[6].Counters.Refutations > 0, "the healed node should have refuted its death");
    }

    [Fact]
    public void LeavingNode_IsSeenLeftByEveryone_AndNeverDeclaredDead()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 32, Seed = 14 });
        cluster.RunRounds(5);
        NodeId leaving = cluster.Nodes[8].Id;
        cluster.Nodes[8].Leave();
        int rounds = cluster.RunUntil(c => CountSeeing(c, leaving, MemberStatus.Left) == c.LiveCount - 1, 50);
        Assert.InRange(rounds, 0, 50);
        Assert.Equal(0, CountSeeing(cluster, leaving, MemberStatus.Dead));
    }

    [Fact]
    public void CutDirectLink_IndirectProbesKeepBothSidesAlive()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 21 });
        cluster.RunRounds(10);
        GossipNode a = cluster.Nodes[2];
        GossipNode b = cluster.Nodes[9];
        long suspicionsBefore = a.Counters.Suspicions + b.Counters.Suspicions;
        cluster.Network.CutLink(a.Address, b.Address);

        // 400 rounds: each of the two probes the other several times (round-robin over 15 members, one probe per 5 rounds).
        cluster.RunRounds(400);

        Assert.True(cluster.Network.DatagramsDroppedByCutLink > 0, "the two never tried to reach each other directly");
        Assert.Equal(suspicionsBefore, a.Counters.Suspicions + b.Counters.Suspicions);
        AssertNoFalsePositives(cluster, exceptIndex: -1);

        long dropped = cluster.Network.DatagramsDroppedByCutLink;
        cluster.Network.RestoreLinks();
        cluster.RunRounds(200);
        Assert.Equal(dropped, cluster.Network.DatagramsDroppedByCutLink);
    }

    [Fact]
    public void StrangerAtACrashedNodesAddress_CannotAnswerForIt()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 22 });
        cluster.RunRounds(10);
        const int Victim = 5;
        GossipNode victim = cluster.Nodes[Victim];
        cluster.Crash(Victim);

        // Another process takes the port at once and answers every probe sent there, with its own id in the header.
        cluster.Network.Reconnect(victim.Address);
        using var stranger = new GossipNode(
            new GossipOptions { NodeId = new NodeId(0xABCDEF), Generation = 1, EventCapacity = 0, AllowPlaintext = true },
            cluster.Network.CreateTransport(victim.Address),
            new GossipNodeServices { SingleThreaded = true, Time = cluster.Network.Clock, Random = new SeededRandom(7) });
        stranger.Start();

        int rounds = cluster.RunUntil(c => CountSeeing(c, victim.Id, MemberStatus.Dead) == c.LiveCount, 200);
        Assert.InRange(rounds, 1, 200);
        Assert.True(stranger.Counters.FramesReceived > 0, "no probe reached the stranger, so the test proves nothing");
    }

    internal static int CountSeeing(SimulatedCluster cluster, NodeId subject, MemberStatus status)
    {
        int count = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.IsLive(i))
            {
                continue;
            }

            foreach (MemberSnapshot m in cluster.Nodes[i].Members)
            {
                count += m.Id == subject && m.Status == status ? 1 : 0;
            }
        }

        return count;
    }

    private static int CountSeeingGeneration(SimulatedCluster cluster, NodeId subject, uint generation, MemberStatus status)
    {
        int count = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.IsLive(i) || cluster.Nodes[i].Id == subject)
            {
                continue;
            }

            foreach (MemberSnapshot m in cluster.Nodes[i].Members)
            {
                count += m.Id == subject && m.Generation == generation && m.Status == status ? 1 : 0;
            }
        }

        return count;
    }

    private static void AssertNoFalsePositives(SimulatedCluster cluster, int exceptIndex)
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            GossipNode observer = cluster.Nodes[i];
            if (!cluster.IsLive(i))
            {
                continue;
            }

            for (int j = 0; j < cluster.Nodes.Count; j++)
            {
                if (j == exceptIndex || !cluster.IsLive(j))
                {
                    continue;
                }

                foreach (MemberSnapshot m in observer.Members)
                {
                    Assert.False(
                        m.Id == cluster.Nodes[j].Id && m.Generation == cluster.Nodes[j].Generation && m.Status is MemberStatus.Dead or MemberStatus.Left,
                        $"node {i} declared live node {j} {m.Status}");
                }
            }

        }
    }
}
