using System.Text;
using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Protocol;

public sealed class AntiEntropyTests
{
    [Fact]
    public void NodesWithDifferentState_ConvergeToTheSameHighestVersions()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 32, Seed = 21 });
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            cluster.Nodes[i].SetLocal("role", Encoding.UTF8.GetBytes($"r{i}"));
            cluster.Nodes[i].SetLocal("load", Encoding.UTF8.GetBytes($"{i * 7}"));
        }

        cluster.Nodes[9].SetLocal("load", "final"u8);

        int rounds = cluster.RunUntil(c => AllAgree(c), 300);
        Assert.InRange(rounds, 1, 300);
        Assert.True(cluster.Nodes[0].TryGetState(cluster.Nodes[9].Id, "load", out ReadOnlyMemory<byte> value));
        Assert.Equal("final", Encoding.UTF8.GetString(value.Span));
    }

    [Fact]
    public void ConcurrentUpdates_HighestVersionWinsEverywhere()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 8 });
        cluster.RunRounds(5);
        for (int step = 0; step < 10; step++)
        {
            for (int i = 0; i < 4; i++)
            {
                cluster.Nodes[i].SetLocal("counter", Encoding.UTF8.GetBytes(step.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            cluster.RunRounds(2);
        }

        Assert.InRange(cluster.RunUntil(c => AllAgree(c), 300), 0, 300);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(cluster.Nodes[15].TryGetState(cluster.Nodes[i].Id, "counter", out ReadOnlyMemory<byte> v));
            Assert.Equal("9", Encoding.UTF8.GetString(v.Span));
        }
    }

    [Fact]
    public void PartitionedCluster_ConvergesAfterHealing()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 20,
            Seed = 13,
            Configure = o => o.SuspicionMultiplier = 50, // keep members alive through the partition; this test is about state
        });
        cluster.RunRounds(5);
        for (int i = 0; i < 10; i++)
        {
            cluster.Network.SetPartition(cluster.Nodes[i].Address, 1);
        }

        cluster.Nodes[0].SetLocal("side", "A"u8);
        cluster.Nodes[15].SetLocal("side", "B"u8);
        cluster.RunRounds(40);
        Assert.False(cluster.Nodes[15].TryGetState(cluster.Nodes[0].Id, "side", out _), "state crossed the partition");

        cluster.Network.HealPartitions();
        Assert.InRange(cluster.RunUntil(c => AllAgree(c), 300), 1, 300);
        Assert.True(cluster.Nodes[15].TryGetState(cluster.Nodes[0].Id, "side", out ReadOnlyMemory<byte> a));
        Assert.Equal("A", Encoding.UTF8.GetString(a.Span));
    }

    [Fact]
    public void NodesJoiningThroughOneSeed_LearnTheWholeCluster()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 17, Bootstrap = ClusterBootstrap.JoinThroughFirst });
        int rounds = cluster.RunUntil(c => AllKnowEveryone(c), 300);
        Assert.InRange(rounds, 1, 300);
    }

    [Fact]
    public void JoinerToAClusterLongerThanOneList_LearnsEveryone_WithNoFrameDropped()
    {
        // A list limit of 16 makes a 100-node table six lists long: the seed's answer to a joiner must be cut at the
        // limit and finished by later exchanges, never sent whole (the joiner would drop it and stay alone forever).
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 100,
            Seed = 5,
            Configure = o => o.Limits = WireLimits.Datagram with { MaxListCount = 16, MaxFrameBytes = 1 << 20 },
        });
        cluster.RunRounds(2);
        GossipNode joiner = cluster.AddJoiningNode(0);

        int rounds = cluster.RunUntil(c => AllKnowEveryone(c), 60);

        Assert.InRange(rounds, 1, SweepRoundsBound);
        foreach (GossipNode node in cluster.Nodes)
        {
            Assert.Equal(0, node.Counters.FramesDropped);
        }

        Assert.Equal(101, joiner.LiveMemberCount);
    }

    [Fact]
    public void NodeMissingMostOfTheTable_CatchesUpInOneSweep_NotOneRangePerSyncInterval()
    {
        // 400 nodes start knowing 8 random others; one digest covers at most 16 ids here, so a full table is 25 ranges
        // long. Swept one range per sync interval (5 rounds) node 0 needed 133 rounds to learn everyone; a sweep that
        // goes on while the tables disagree takes 24 (seed 9).
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 400,
            Seed = 9,
            Bootstrap = ClusterBootstrap.RandomViews,
            ViewSize = 8,
            Configure = o => o.Limits = WireLimits.Datagram with { MaxListCount = 16, MaxFrameBytes = 1 << 20 },
        });

        int rounds = cluster.RunUntil(c => c.Nodes[0].LiveMemberCount == 400, 200);

        Assert.InRange(rounds, 1, 40);
    }

    [Fact]
    public void RemovedKey_SpreadsAsTombstone()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 2 });
        cluster.Nodes[1].SetLocal("k", "v"u8);
        cluster.RunUntil(c => AllAgree(c), 200);
        Assert.True(cluster.Nodes[5].TryGetState(cluster.Nodes[1].Id, "k", out _));
        cluster.Nodes[1].RemoveLocal("k");
        Assert.InRange(cluster.RunUntil(c => AllAgree(c), 200), 1, 200);
        Assert.False(cluster.Nodes[5].TryGetState(cluster.Nodes[1].Id, "k", out _));
    }

    /// <summary>A join plus one or two probe-triggered sweeps at the default 5-round probe interval (8 rounds measured with seed 5).</summary>
    private const int SweepRoundsBound = 15;

    internal static bool AllAgree(SimulatedCluster cluster)
    {
        ulong? hash = null;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.IsLive(i))
            {
                continue;
            }

            ulong h = cluster.Nodes[i].TableHash;
            if (hash is { } expected && expected != h)
            {
                return false;
            }

            hash = h;
        }

        return true;
    }

    private static bool AllKnowEveryone(SimulatedCluster cluster)
    {
        foreach (GossipNode node in cluster.Nodes)
        {
            if (node.LiveMemberCount != cluster.Nodes.Count)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void HealedPartition_AcksToNodesHeldDeadAreWellFormed()
    {
        // After a partition each side holds the other dead; a SYN listing its responder dead makes the responder refute.
        // The refutation used to be written into the buffer the ACK was being built in, corrupting the ACK.
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 24, Seed = 14 });
        cluster.RunRounds(5);
        for (int i = 0; i < 12; i++)
        {
            cluster.Network.SetPartition(cluster.Nodes[i].Address, 1);
        }

        cluster.RunRounds(40);
        cluster.Nodes[20].SetLocal("side", [2]);
        cluster.RunRounds(20);
        cluster.Network.HealPartitions();
        int healed = cluster.RunUntil(c => c.Nodes.All(n => n.LiveMemberCount == 24), 200);

        Assert.True(healed >= 0, "the partition never healed");
        Assert.Equal(0, cluster.Nodes.Sum(n => n.Counters.DroppedFor(WireStatus.Malformed)));
        Assert.True(cluster.Nodes.Sum(n => n.Counters.Refutations) > 0);
    }
}
