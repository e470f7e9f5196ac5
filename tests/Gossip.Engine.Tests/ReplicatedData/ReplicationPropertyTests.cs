using CsCheck;
using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>
/// Random writes, removals, crashes (with restarts) and partitions on random nodes of a simulated cluster with loss;
/// after the network heals and a quiet period, every replica holds the same map, and that map is what a sequential
/// last-writer-wins model of the writes predicts. Writes a crash may have lost (the writer crashed before anyone else
/// held them) may be missing, but nothing older than a write that no crash could lose ever wins, and no removed key
/// returns.
/// </summary>
public sealed class ReplicationPropertyTests
{
    private const int Nodes = 8;
    private const int Keys = 6;

    // kind: 0-4 write, 5-6 remove, 7 crash (restarted 3 to 10 rounds later), 8 partition in two halves, 9 heal.
    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Nodes - 1], Gen.Int[0, Keys - 1], Gen.Byte, Gen.Int[1, 4],
        (kind, node, key, value, rounds) => new Step(kind, node, key, value, rounds));

    private static readonly Gen<(ulong Seed, Step[] Steps)> Runs = Gen.Select(Gen.ULong[1, 1_000_000], Steps.Array[5, 40]);

    [Fact]
    public void EveryReplica_EqualsTheSequentialLastWriterWinsModel() => Runs.Sample(run =>
    {
        (ulong seed, Step[] steps) = run;
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = Nodes,
            Seed = seed,
            Network = new SimulatedNetworkOptions { LossRate = 0.05, MaxDelay = TimeSpan.FromMilliseconds(50) },
        });
        cluster.RunRounds(5);
        var writes = new List<Write>();
        int[] restartAt = new int[Nodes];
        foreach (Step step in steps)
        {
            Apply(cluster, step, writes, restartAt);
            for (int r = 0; r < step.Rounds; r++)
            {
                cluster.RunRound();
                RestartDue(cluster, restartAt);
            }
        }

        cluster.Network.HealPartitions();
        for (int i = 0; i < Nodes; i++)
        {
            if (!cluster.IsLive(i))
            {
                cluster.Restart(i);
            }
        }

        int rounds = cluster.RunUntil(Converged, 600);
        Assert.True(rounds < 600, $"replicas still differ after 600 quiet rounds (seed {seed})");
        AssertMatchesModel(cluster, writes, seed);
    }, iter: 25);

    private static void Apply(SimulatedCluster cluster, Step step, List<Write> writes, int[] restartAt)
    {
        GossipNode node = cluster.Nodes[step.Node];
        byte[] key = [(byte)step.Key];
        switch (step.Kind)
        {
            case <= 6 when cluster.IsLive(step.Node):
                bool remove = step.Kind >= 5;
                if (remove)
                {
                    node.RemoveData(key);
                }
                else
                {
                    node.SetData(key, [step.Value]);
                }

                // The simulation runs a node's commands inline: the write is applied, with its stamp, by now.
                Assert.True(node.Data.TryGetVersion(key, out ulong stamp, out NodeId origin, out _));
                Assert.Equal(node.Id, origin);
                writes.Add(new Write(step.Key, remove ? null : step.Value, stamp, origin.Value, step.Node));
                break;
            case 7 when cluster.IsLive(step.Node) && cluster.LiveCount > 2:
                cluster.Crash(step.Node);
                restartAt[step.Node] = cluster.Round + 3 + step.Rounds;
                foreach (Write write in writes)
                {
                    write.LostIfOnlyOn(step.Node);
                }

                break;
            case 8:
                for (int i = 0; i < Nodes; i++)
                {
                    cluster.Network.SetPartition(cluster.Nodes[i].Address, i < Nodes / 2 ? 1 : 2);
                }

                break;
            case 9:
                cluster.Network.HealPartitions();
                break;
        }
    }

    private static void RestartDue(SimulatedCluster cluster, int[] restartAt)
    {
        for (int i = 0; i < Nodes; i++)
        {
            if (!cluster.IsLive(i) && restartAt[i] <= cluster.Round)
            {
                cluster.Restart(i);
            }
        }
    }

    private static bool Converged(SimulatedCluster cluster)
    {
        ulong root = cluster.Nodes[0].DataRootHash;
        return cluster.Nodes.All(n => n.DataRootHash == root) && cluster.Nodes.All(n => n.LiveMemberCount == Nodes);
    }

    private static void AssertMatchesModel(SimulatedCluster cluster, List<Write> writes, ulong seed)
    {
        for (int key = 0; key < Keys; key++)
        {
            List<Write> ofKey = [.. writes.Where(w => w.Key == key)];
            Write? safest = ofKey.Where(w => !w.MaybeLost).MaxBy(w => (w.Stamp, w.Origin));
            foreach (GossipNode node in cluster.Nodes)
            {
                bool held = node.Data.TryGetVersion([(byte)key], out ulong stamp, out NodeId origin, out bool deleted);
                if (safest is not null)
                {
                    Assert.True(held, $"key {key} lost on {node.Id} (seed {seed})");
                    Assert.True(stamp > safest.Stamp || (stamp == safest.Stamp && origin.Value >= safest.Origin), $"key {key}: an older version won on {node.Id} (seed {seed})");
                }

                if (!held)
                {
                    continue;
                }

                Write? winner = ofKey.SingleOrDefault(w => w.Stamp == stamp && w.Origin == origin.Value);
                Assert.True(winner is not null, $"key {key} holds a version nobody wrote (seed {seed})");
                Assert.Equal(winner.Value is null, deleted);
                bool hasValue = node.TryGetData([(byte)key], out byte[] value);
                Assert.Equal(winner.Value is not null, hasValue);
                if (hasValue)
                {
                    Assert.Equal(winner.Value, value[0]);
                }
            }
        }
    }

    private readonly record struct Step(int Kind, int Node, int Key, byte Value, int Rounds);

    private sealed class Write(int key, byte? value, ulong stamp, ulong origin, int writer)
    {
        public int Key { get; } = key;

        public byte? Value { get; } = value;

        public ulong Stamp { get; } = stamp;

        public ulong Origin { get; } = origin;

        /// <summary>True once its writer crashed after writing it: the write may have died with it.</summary>
        public bool MaybeLost { get; private set; }

        public void LostIfOnlyOn(int crashed) => MaybeLost |= writer == crashed;
    }
}
