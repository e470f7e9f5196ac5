using System.Diagnostics;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// One half/half partition of <c>faults</c>, in the deterministic simulation: every node knows every node, the first
/// half is cut off from the second for a number of rounds (each side writes state the other lacks), the network heals,
/// and the rounds are counted until the cluster is one again: every node sees every node alive, every member table
/// agrees, and both sides' state is on every node. Five trials, healing at different phases of the nodes' timers.
/// </summary>
internal static class PartitionHealCase
{
    /// <summary>The most rounds waited after the heal (200 s at 200 ms): far beyond the engine's stated bound, so a slow heal is measured, not cut off.</summary>
    public const int LimitRounds = 1_000;

    /// <summary>Rounds before the cut in the first trial, so the cluster runs steadily first.</summary>
    private const int WarmRounds = 20;

    /// <summary>
    /// Extra warm-up rounds of each trial. Every simulated node starts at round 0, so timers that fire every k rounds
    /// (reconnect attempts: every 25) fire in the same round on all nodes, and one heal's time depends mostly on how far
    /// the heal falls from the next such round. Five trials spread over that period measure the spread, not one phase.
    /// </summary>
    private static readonly int[] TrialOffsets = [0, 5, 10, 15, 20];

    /// <summary>Runs the case for <paramref name="nodes"/> nodes and a partition of <paramref name="partitionRounds"/> rounds, once per trial offset.</summary>
    public static PartitionHealRow Run(int nodes, int partitionRounds, ulong seed, Action<GossipOptions> configure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 2);
        long wallStart = Stopwatch.GetTimestamp();
        var heals = new List<double>(TrialOffsets.Length);
        bool split = true;
        double interval = 0;
        foreach (int offset in TrialOffsets)
        {
            using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = nodes, Seed = seed + (ulong)offset, Configure = configure });
            interval = cluster.Interval.TotalSeconds;
            cluster.RunRounds(WarmRounds + offset);
            for (int i = 0; i < nodes / 2; i++)
            {
                cluster.Network.SetPartition(cluster.Nodes[i].Address, 1);
            }

            cluster.Nodes[0].SetLocal("side", "a"u8);
            cluster.Nodes[nodes - 1].SetLocal("side", "b"u8);
            cluster.RunRounds(partitionRounds);
            split &= cluster.Nodes[0].LiveMemberCount <= nodes / 2;
            cluster.Network.HealPartitions();
            int healed = cluster.RunUntil(IsOne, LimitRounds);
            heals.Add(healed >= 0 ? healed : double.PositiveInfinity);
        }

        double max = Percentiles.Of(heals, 100);
        return new PartitionHealRow
        {
            Nodes = nodes,
            PartitionRounds = partitionRounds,
            PartitionSeconds = partitionRounds * interval,
            SidesSplit = split,
            HealRounds = heals,
            HealP50Rounds = Percentiles.Of(heals, 50),
            HealMaxRounds = max,
            HealMaxSeconds = max * interval,
            LimitRounds = LimitRounds,
            WallSeconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds,
        };
    }

    private static bool IsOne(SimulatedCluster cluster)
    {
        GossipNode a = cluster.Nodes[0];
        GossipNode b = cluster.Nodes[^1];
        ulong hash = a.TableHash;
        foreach (GossipNode node in cluster.Nodes)
        {
            if (node.LiveMemberCount != cluster.Nodes.Count || node.TableHash != hash
                || !node.TryGetState(a.Id, "side", out _) || !node.TryGetState(b.Id, "side", out _))
            {
                return false;
            }
        }

        return true;
    }
}
