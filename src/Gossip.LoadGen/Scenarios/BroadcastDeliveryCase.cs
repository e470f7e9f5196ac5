using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// One case of <c>faults</c>' broadcast delivery: a fault starts, ten broadcasts go out from random live nodes while it
/// lasts, the fault ends, and every node's notifications are drained each round until every member live at the end
/// has delivered every broadcast (or the limit). Deterministic: simulation, virtual time.
/// </summary>
internal static class BroadcastDeliveryCase
{
    private const int BroadcastsPerCase = 10;
    private const int LimitRoundsAfterFault = 600;

    /// <summary>Runs the case; <paramref name="startFault"/> and <paramref name="endFault"/> apply the fault to the cluster.</summary>
    public static BroadcastDeliveryRow Run(
        string fault,
        int nodes,
        int faultRounds,
        ulong seed,
        Action<GossipOptions> configure,
        Action<SimulatedCluster> startFault,
        Action<SimulatedCluster> endFault,
        SimulatedNetworkOptions? network = null)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = nodes,
            Seed = seed,
            Network = network ?? new SimulatedNetworkOptions(),
            Configure = o =>
            {
                configure(o);
                o.EventCapacity = 16_384;
            },
        });
        var firstDelivery = new Dictionary<(int Node, RumorId Rumor), int>();
        int duplicates = 0;
        int gaps = 0;
        int round = 0;
        void Step()
        {
            cluster.RunRound();
            round++;
            for (int i = 0; i < cluster.Nodes.Count; i++)
            {
                while (cluster.Nodes[i].Events.TryRead(out GossipEvent e))
                {
                    if (e.Kind == GossipEventKind.RumorReceived && !firstDelivery.TryAdd((i, e.Rumor), round))
                    {
                        duplicates++;
                    }
                    else if (e.Kind == GossipEventKind.BroadcastGap)
                    {
                        gaps++;
                    }
                }
            }
        }

        for (int i = 0; i < 30; i++)
        {
            Step();
        }

        var random = new Random((int)seed);
        var sent = new List<(RumorId Id, int Round)>();
        startFault(cluster);
        int every = Math.Max(1, faultRounds / BroadcastsPerCase);
        for (int r = 0; r < faultRounds; r++)
        {
            if (r % every == 0 && sent.Count < BroadcastsPerCase)
            {
                int origin = RandomLive(cluster, random);
                sent.Add((cluster.Nodes[origin].Broadcast(BitConverter.GetBytes(sent.Count)), round));
            }

            Step();
        }

        endFault(cluster);
        for (int r = 0; r < LimitRoundsAfterFault && !sent.TrueForAll(s => FullAt(cluster, firstDelivery, s.Id) >= 0); r++)
        {
            Step();
        }

        var rounds = new List<double>();
        foreach ((RumorId id, int at) in sent)
        {
            int full = FullAt(cluster, firstDelivery, id);
            rounds.Add(full >= 0 ? Math.Max(0, full - at) : double.PositiveInfinity);
        }

        int complete = rounds.Count(double.IsFinite);
        double ms = cluster.Interval.TotalMilliseconds;
        return new BroadcastDeliveryRow
        {
            Fault = fault,
            Nodes = nodes,
            Broadcasts = sent.Count,
            DeliveredToAll = complete,
            DeliveredFraction = sent.Count == 0 ? 1 : complete / (double)sent.Count,
            FullDeliveryP50Rounds = Percentiles.Of(rounds, 50),
            FullDeliveryP90Rounds = Percentiles.Of(rounds, 90),
            FullDeliveryP100Rounds = Percentiles.Of(rounds, 100),
            FullDeliveryP50Ms = Percentiles.Of(rounds, 50) * ms,
            FullDeliveryP90Ms = Percentiles.Of(rounds, 90) * ms,
            FullDeliveryP100Ms = Percentiles.Of(rounds, 100) * ms,
            DuplicateDeliveries = duplicates,
            Gaps = gaps,
            Recovered = cluster.Nodes.Sum(n => n.Counters.BroadcastsRecovered),
        };
    }

    /// <summary>The round the last live member (the origin excepted) delivered the broadcast; -1 while one has not.</summary>
    private static int FullAt(SimulatedCluster cluster, Dictionary<(int Node, RumorId Rumor), int> firstDelivery, RumorId id)
    {
        int last = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.IsLive(i) || cluster.Nodes[i].Id == id.Origin)
            {
                continue;
            }

            if (!firstDelivery.TryGetValue((i, id), out int at))
            {
                return -1;
            }

            last = Math.Max(last, at);
        }

        return last;
    }

    private static int RandomLive(SimulatedCluster cluster, Random random)
    {
        while (true)
        {
            int i = random.Next(cluster.Nodes.Count);
            if (cluster.IsLive(i) && !cluster.IsPaused(i))
            {
                return i;
            }
        }
    }
}
