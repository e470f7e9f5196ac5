using Gossip.Engine.Runtime;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>
/// A few nodes on the real clock and real UDP sockets, whose scheduler sleeps through their quiet rounds: they sleep
/// most rounds while idle, and still spread a broadcast that arrives while they sleep, and declare a crashed member
/// dead, and no one else. Nothing here asserts how fast; every wait is bounded and generous.
/// </summary>
[Collection(nameof(UdpClusterTests))]
public sealed class QuietRoundsOverUdpTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void IdleNodes_SleepThroughQuietRounds_YetSpreadABroadcast_AndDeclareACrashedMemberDead()
    {
        using var scheduler = new RoundScheduler();
        GossipNode[] nodes = new GossipNode[3];
        try
        {
            for (int i = 0; i < nodes.Length; i++)
            {
                nodes[i] = new GossipNode(
                    new GossipOptions { GossipInterval = Interval, AllowPlaintext = true },
                    new UdpTransport(new UdpTransportOptions { DedicatedReceiveThread = true }),
                    new GossipNodeServices { Scheduler = scheduler });
                nodes[i].Start();
            }

            nodes[1].Join([nodes[0].Address]);
            nodes[2].Join([nodes[0].Address]);
            Assert.True(Eventually.True(() => Array.TrueForAll(nodes, n => n.LiveMemberCount == 3)), "the three nodes did not meet");

            // Idle (once the news of the joins has spread), each wakes for its probe: most of its rounds are slept.
            Assert.True(Eventually.True(() => Array.TrueForAll(nodes, n => n.Counters.RoundsSlept > 0), 60_000), "no node slept");
            long[] rounds = Array.ConvertAll(nodes, n => n.Counters.Rounds);
            long[] slept = Array.ConvertAll(nodes, n => n.Counters.RoundsSlept);
            Assert.True(
                Eventually.True(() => Array.TrueForAll(nodes, n => n.Counters.Rounds - rounds[Array.IndexOf(nodes, n)] >= 60), 60_000),
                "the nodes' rounds stopped");
            for (int i = 0; i < nodes.Length; i++)
            {
                long ran = nodes[i].Counters.Rounds - rounds[i];
                long sleptNow = nodes[i].Counters.RoundsSlept - slept[i];
                Assert.True(sleptNow * 2 > ran, $"node {i} slept {sleptNow} of {ran} idle rounds");
            }

            // A broadcast reaches sleeping nodes, which take it and spread it on (node 1 may hear it only from node 2).
            RumorId rumor = nodes[0].Broadcast([42]);
            bool[] received = new bool[nodes.Length];
            Assert.True(
                Eventually.True(() => Received(nodes[1], rumor, ref received[1]) & Received(nodes[2], rumor, ref received[2])),
                "the broadcast did not reach every node");

            // A crash is still found by sleeping probers, and nobody else is declared dead.
            NodeId crashed = nodes[2].Id;
            nodes[2].Dispose();
            Assert.True(
                Eventually.True(() => IsDeadTo(nodes[0], crashed) && IsDeadTo(nodes[1], crashed), 60_000),
                "the crashed node was not declared dead");
            Assert.Contains(nodes[0].Members, m => m.Id == nodes[1].Id && m.Status == MemberStatus.Alive);
            Assert.Contains(nodes[1].Members, m => m.Id == nodes[0].Id && m.Status == MemberStatus.Alive);
            Assert.Equal(0, nodes[0].SleptRoundsThatWorked + nodes[1].SleptRoundsThatWorked);
        }
        finally
        {
            foreach (GossipNode? node in nodes)
            {
                node?.Dispose();
            }
        }
    }

    private static bool Received(GossipNode node, RumorId rumor, ref bool received)
    {
        while (!received && node.Events.TryRead(out GossipEvent e))
        {
            received = e.Kind == GossipEventKind.RumorReceived && e.Rumor == rumor;
        }

        return received;
    }

    private static bool IsDeadTo(GossipNode observer, NodeId member) =>
        observer.Members.Any(m => m.Id == member && m.Status == MemberStatus.Dead);
}
