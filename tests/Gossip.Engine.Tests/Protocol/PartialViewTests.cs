using Gossip.Engine.Simulation;
using Gossip.Wire;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>Clusters too large for every node to know every other: each node holds a bounded random view.</summary>
public sealed class PartialViewTests(ITestOutputHelper output)
{
    [Fact]
    public void CrashedNode_IsDeclaredDeadByEveryNodeThatKnowsIt_SoonAfterTheFirst()
    {
        const int Nodes = 1_000;
        const int View = 16;
        using SimulatedCluster cluster = PartialViewCluster.Create(Nodes, View, seed: 31);
        cluster.RunRounds(10);
        const int Victim = 7;
        NodeId victim = cluster.Nodes[Victim].Id;
        var observers = new List<int>();
        for (int i = 0; i < Nodes; i++)
        {
            if (i != Victim && Knows(cluster.Nodes[i], victim))
            {
                observers.Add(i);
            }
        }

        cluster.Crash(Victim);
        bool[] seenDead = new bool[Nodes];
        int first = -1;
        int last = -1;
        int rounds = cluster.RunUntil(
            c =>
            {
                int dead = 0;
                foreach (int i in observers)
                {
                    seenDead[i] |= SeesDead(c.Nodes[i], victim);
                    dead += seenDead[i] ? 1 : 0;
                }

                first = first < 0 && dead > 0 ? c.Round : first;
                last = dead == observers.Count ? c.Round : last;
                return dead == observers.Count;
            },
            600);

        long forwarded = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            forwarded += node.Counters.NoticesForwarded;
        }

        output.WriteLine($"{observers.Count} nodes knew the victim; first declared it dead after {first - 10} rounds, the last after {last - 10}; notices forwarded by nodes outside its view: {forwarded}");
        Assert.True(observers.Count >= View / 2, "too few observers for the test to mean anything");
        Assert.InRange(rounds, 1, 599);

        // Each observer probes its 16 members one per 5 rounds, so alone it would find the crash up to ~80 rounds
        // (plus a suspicion timeout) after the first; the notice forwarded through nodes that do not know the victim
        // reaches every observer in a few gossip rounds.
        Assert.InRange(last - first, 0, 15);
        Assert.True(forwarded > 0);
    }

    private static bool Knows(GossipNode node, NodeId member)
    {
        foreach (MemberSnapshot m in node.Members)
        {
            if (m.Id == member)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SeesDead(GossipNode node, NodeId member)
    {
        foreach (MemberSnapshot m in node.Members)
        {
            if (m.Id == member)
            {
                return m.Status == MemberStatus.Dead;
            }
        }

        return false;
    }
}
