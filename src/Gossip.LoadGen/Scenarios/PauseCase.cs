using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The pause case of <c>faults</c>, in the deterministic simulation: 20 nodes paused one after another (a long GC, a
/// suspended VM: the process stops, its socket buffer fills), each followed by time to settle, counting every death
/// declaration of a paused node; then one real crash, timed, to show the tolerance did not blind detection.
/// </summary>
internal static class PauseCase
{
    public const int Pauses = 20;
    private const int SettleRounds = 60;
    private const int CrashLimitRounds = 200;

    public static PauseRow Run(int nodes, int pauseRounds, ulong seed, Action<GossipOptions> configure)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = nodes, Seed = seed, Configure = configure });
        cluster.RunRounds(20);
        long deaths = Deaths(cluster), suspicions = Suspicions(cluster);
        int stride = Math.Max(1, nodes / Pauses);
        for (int i = 0; i < Pauses; i++)
        {
            int victim = (1 + (i * stride)) % nodes;
            cluster.Pause(victim);
            cluster.RunRounds(pauseRounds);
            cluster.Resume(victim);
            cluster.RunRounds(SettleRounds);
        }

        long pauseDeaths = Deaths(cluster) - deaths;
        long pauseSuspicions = Suspicions(cluster) - suspicions;

        const int Crashed = 0;
        NodeId crashed = cluster.Nodes[Crashed].Id;
        cluster.Crash(Crashed);
        int detected = cluster.RunUntil(c => AllSeeDead(c, crashed), CrashLimitRounds);
        return new PauseRow
        {
            Nodes = nodes,
            PauseSeconds = pauseRounds * cluster.Interval.TotalSeconds,
            Pauses = Pauses,
            DeathDeclarations = pauseDeaths,
            Suspicions = pauseSuspicions,
            CrashDetectedRounds = detected,
        };
    }

    private static long Deaths(SimulatedCluster cluster)
    {
        long total = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            total += node.Counters.DeathsDeclared;
        }

        return total;
    }

    private static long Suspicions(SimulatedCluster cluster)
    {
        long total = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            total += node.Counters.Suspicions;
        }

        return total;
    }

    private static bool AllSeeDead(SimulatedCluster cluster, NodeId crashed)
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (cluster.IsLive(i) && !SeesDead(cluster.Nodes[i], crashed))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SeesDead(GossipNode observer, NodeId crashed)
    {
        foreach (MemberSnapshot member in observer.Members)
        {
            if (member.Id == crashed)
            {
                return member.Status == MemberStatus.Dead;
            }
        }

        return true; // already reaped
    }
}
