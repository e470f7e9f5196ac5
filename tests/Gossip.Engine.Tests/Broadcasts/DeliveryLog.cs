using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Broadcasts;

/// <summary>Every RumorReceived and BroadcastGap event of every node of a cluster, drained after each round (so none is dropped).</summary>
internal sealed class DeliveryLog(SimulatedCluster cluster)
{
    private readonly Dictionary<(int Node, RumorId Rumor), int> _deliveries = [];

    public List<(int Node, GossipEvent Gap)> Gaps { get; } = [];

    /// <summary>Turns notifications on (simulated clusters run without them).</summary>
    public static void Notify(GossipOptions options) => options.EventCapacity = 4_096;

    /// <summary>Runs rounds, draining events after each, until every live node but the origin has delivered each broadcast; the rounds taken, or -1.</summary>
    public int RunUntilDelivered(IReadOnlyList<RumorId> broadcasts, int maxRounds)
    {
        for (int round = 0; round <= maxRounds; round++)
        {
            Drain();
            if (broadcasts.All(AllLiveDelivered))
            {
                return round;
            }

            if (round < maxRounds)
            {
                cluster.RunRound();
            }
        }

        return -1;
    }

    public void RunRounds(int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            cluster.RunRound();
            Drain();
        }
    }

    public int Deliveries(int node, RumorId rumor) => _deliveries.GetValueOrDefault((node, rumor));

    public bool AllLiveDelivered(RumorId rumor)
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (cluster.IsLive(i) && cluster.Nodes[i].Id != rumor.Origin && Deliveries(i, rumor) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The largest number of times any node delivered any broadcast.</summary>
    public int MaxDeliveries => _deliveries.Count == 0 ? 0 : _deliveries.Values.Max();

    public void Drain()
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            while (cluster.Nodes[i].Events.TryRead(out GossipEvent e))
            {
                if (e.Kind == GossipEventKind.RumorReceived)
                {
                    _deliveries[(i, e.Rumor)] = Deliveries(i, e.Rumor) + 1;
                }
                else if (e.Kind == GossipEventKind.BroadcastGap)
                {
                    Gaps.Add((i, e));
                }
            }
        }
    }
}
