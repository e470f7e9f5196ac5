using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Diagnostics;

/// <summary>Every counter of <see cref="NodeCounters"/> moves when, and where, its event happens.</summary>
public sealed class NodeCountersTests
{
    [Fact]
    public void Rounds_CountEveryRound()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 4, Seed = 1 });
        cluster.RunRounds(7);
        Assert.Equal(7, cluster.Nodes[0].Counters.Rounds);
    }

    [Fact]
    public void FramesSentAndReceived_MatchTheNetwork()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 6, Seed = 2 });
        cluster.RunRounds(20);
        long sent = 0;
        long received = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            sent += node.Counters.FramesSent;
            received += node.Counters.FramesReceived;
        }

        Assert.Equal(cluster.Network.DatagramsSent + cluster.Network.LargeFramesDelivered, sent);
        Assert.Equal(cluster.Network.DatagramsDelivered + cluster.Network.LargeFramesDelivered, received);
    }

    [Fact]
    public void FramesDropped_CountByReason()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 2, Seed = 3 });
        SimulatedTransport stranger = cluster.Network.CreateTransport();
        Assert.True(stranger.Send(cluster.Nodes[0].Address, new byte[40]));
        cluster.RunRound();

        Assert.Equal(1, cluster.Nodes[0].Counters.FramesDropped);
        Assert.Equal(1, cluster.Nodes[0].Counters.DroppedFor(WireStatus.BadMagic));
        Assert.Equal(0, cluster.Nodes[0].Counters.DroppedFor(WireStatus.BadChecksum));
    }

    [Fact]
    public void Rumors_OriginatedReceivedAndRetiredEarly()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 5,
            Seed = 4,
            Configure = o =>
            {
                o.MaxRumors = 1;
                o.EagerPush = false; // eager push alone would spend the first rumor's whole budget before the second arrives
            },
        });
        cluster.Nodes[0].Broadcast([1]);
        cluster.Nodes[0].Broadcast([2]);
        cluster.RunRounds(10);

        Assert.Equal(2, cluster.Nodes[0].Counters.RumorsOriginated);
        Assert.Equal(1, cluster.Nodes[0].Counters.RumorsRetiredEarly);
        Assert.True(cluster.Nodes[0].Counters.LimitHits >= 1, "a full rumor buffer is a limit hit");
        Assert.True(cluster.Nodes[1].Counters.RumorsReceived >= 1);
    }

    [Fact]
    public void SuspicionsAndDeaths_CountedByTheNodesThatRaiseThem()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 8, Seed = 5 });
        cluster.RunRounds(5);
        cluster.Crash(3);
        cluster.RunRounds(80);
        long suspicions = 0;
        long deaths = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            suspicions += node.Counters.Suspicions;
            deaths += node.Counters.DeathsDeclared;
        }

        Assert.True(suspicions >= 1);
        Assert.True(deaths >= 1);
        Assert.Equal(0, cluster.Nodes[0].Counters.Refutations);
    }

    [Fact]
    public void Refutations_CountedByTheSuspect()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 6, Seed = 6 });
        cluster.RunRounds(3);
        cluster.Nodes[0].InjectSuspicion(cluster.Nodes[4].Id);
        cluster.RunRounds(3);
        Assert.Equal(1, cluster.Nodes[4].Counters.Refutations);
        Assert.Equal(1, cluster.Nodes[0].Counters.Suspicions);
    }

    [Fact]
    public void Syncs_CountExchangesStarted()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 4, Seed = 7 });
        cluster.RunRounds(3);
        long before = cluster.Nodes[0].Counters.Syncs + cluster.Nodes[2].Counters.Syncs + cluster.Nodes[3].Counters.Syncs;
        cluster.Nodes[1].SetLocal("k", [1]);
        cluster.RunRounds(15);
        long after = cluster.Nodes[0].Counters.Syncs + cluster.Nodes[2].Counters.Syncs + cluster.Nodes[3].Counters.Syncs;
        Assert.True(after > before, "a changed table hash must start exchanges");
    }

    [Fact]
    public void EventsDropped_WhenTheApplicationDoesNotDrain()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 2, Seed = 8, Configure = o => o.EventCapacity = 1 });
        // The other member's join notice already fills the one slot; each change then pushes the oldest out.
        Assert.Equal(0, cluster.Nodes[0].Counters.EventsDropped);
        cluster.Nodes[0].SetLocal("a", [1]);
        cluster.Nodes[0].SetLocal("b", [2]);
        cluster.Nodes[0].SetLocal("c", [3]);
        Assert.Equal(3, cluster.Nodes[0].Counters.EventsDropped);
        Assert.True(cluster.Nodes[0].Events.TryRead(out GossipEvent last));
        Assert.Equal("c", last.Key);
    }

    [Fact]
    public void LimitHits_WhenAKeyLimitIsReached()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 2, Seed = 9, Configure = o => o.MaxKeysPerMember = 1 });
        cluster.Nodes[0].SetLocal("a", [1]);
        Assert.Equal(0, cluster.Nodes[0].Counters.LimitHits);
        Assert.Throws<InvalidOperationException>(() => cluster.Nodes[0].SetLocal("b", [2]));
        Assert.Equal(1, cluster.Nodes[0].Counters.LimitHits);
        Assert.False(cluster.Nodes[0].TryGetState(cluster.Nodes[0].Id, "b", out _));
        cluster.Nodes[0].SetLocal("a", [3]); // a known key still changes
        Assert.True(cluster.Nodes[0].TryGetState(cluster.Nodes[0].Id, "a", out ReadOnlyMemory<byte> value));
        Assert.Equal([3], value.ToArray());
    }

    [Fact]
    public void NoticesForwarded_ByNodesWithAFullPartialView()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 60,
            Seed = 10,
            Bootstrap = ClusterBootstrap.RandomViews,
            ViewSize = 6,
            Configure = o =>
            {
                o.MaxMembers = 7;
                o.ClusterSizeHint = 60;
            },
        });
        cluster.RunRounds(5);
        cluster.Nodes[5].Leave();
        cluster.RunRounds(20);
        long forwarded = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            forwarded += node.Counters.NoticesForwarded;
        }

        Assert.True(forwarded > 0);
    }
}
