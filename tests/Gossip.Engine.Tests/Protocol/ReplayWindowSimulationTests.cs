using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>The replay window inside a running encrypted cluster: duplicated datagrams are dropped and counted, restarts are not mistaken for replays.</summary>
public sealed class ReplayWindowSimulationTests
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void DuplicatedDatagrams_AreDroppedAsReplayed_AndARestartedNodeIsHeardAgain()
    {
        var rings = new List<KeyRing>();
        try
        {
            using var cluster = new SimulatedCluster(new SimulatedClusterOptions
            {
                Nodes = 16,
                Seed = 21,
                Network = new SimulatedNetworkOptions { DuplicateRate = 0.1 },
                Configure = options =>
                {
                    var ring = new KeyRing(1, Key);
                    rings.Add(ring);
                    options.Keys = ring;
                },
            });
            cluster.RunRounds(40);
            Assert.True(cluster.Network.DatagramsDuplicated > 0);
            long replayed = cluster.Nodes.Sum(n => n.Counters.DroppedFor(WireStatus.Replayed));
            Assert.True(replayed > 0, "no duplicate was refused");
            Assert.Equal(0, cluster.Nodes.Sum(n => n.Counters.DroppedFor(WireStatus.AuthenticationFailed)));

            // A restarted node has a new generation: its counters start afresh under a new key, and it is taken back.
            cluster.Crash(3);
            cluster.RunRounds(5);
            GossipNode restarted = cluster.Restart(3);
            int rounds = cluster.RunUntil(
                c => c.Nodes.Where((_, i) => c.IsLive(i)).All(n => n.Members.Any(m => m.Id == restarted.Id && m.Generation == restarted.Generation && m.Status == MemberStatus.Alive)),
                200);
            Assert.InRange(rounds, 0, 199);
            Assert.Equal(0, cluster.Nodes.Sum(n => n.Counters.DroppedFor(WireStatus.TooOld)));
        }
        finally
        {
            rings.ForEach(r => r.Dispose());
        }
    }
}
