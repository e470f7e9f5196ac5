using System.Threading.Channels;
using Gossip.Engine;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// Drains every node's notifications on its own reader task (idle readers cost no CPU), and keeps what the
/// measurements need: when each node first received each rumor, and who declared whom dead, when.
/// </summary>
internal sealed class EventRecorder
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RumorId, List<long>> _rumorArrivals = [];
    private readonly List<(NodeId Observer, NodeId Subject, long Timestamp)> _deaths = [];

    public void Attach(GossipNode node, CancellationToken stop) => _ = DrainAsync(node, stop);

    public int RumorArrivals(RumorId rumor, out long lastTimestamp)
    {
        lock (_gate)
        {
            lastTimestamp = 0;
            if (!_rumorArrivals.TryGetValue(rumor, out List<long>? times))
            {
                return 0;
            }

            foreach (long t in times)
            {
                lastTimestamp = Math.Max(lastTimestamp, t);
            }

            return times.Count;
        }
    }

    /// <summary>Deaths of <paramref name="subject"/> declared by distinct observers, with the first and last timestamps.</summary>
    public int DeathsOf(NodeId subject, out long first, out long last)
    {
        lock (_gate)
        {
            first = long.MaxValue;
            last = 0;
            var observers = new HashSet<NodeId>();
            foreach ((NodeId observer, NodeId s, long t) in _deaths)
            {
                if (s == subject && observers.Add(observer))
                {
                    first = Math.Min(first, t);
                    last = Math.Max(last, t);
                }
            }

            return observers.Count;
        }
    }

    /// <summary>Death declarations of any subject other than those in <paramref name="crashed"/>: false positives.</summary>
    public int FalsePositives(IReadOnlySet<NodeId> crashed)
    {
        lock (_gate)
        {
            int count = 0;
            foreach ((_, NodeId subject, _) in _deaths)
            {
                count += crashed.Contains(subject) ? 0 : 1;
            }

            return count;
        }
    }

    private async Task DrainAsync(GossipNode node, CancellationToken stop)
    {
        ChannelReader<GossipEvent> reader = node.Events;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (reader.TryRead(out GossipEvent e))
                {
                    Record(node.Id, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Record(NodeId observer, in GossipEvent e)
    {
        lock (_gate)
        {
            if (e.Kind == GossipEventKind.RumorReceived)
            {
                if (!_rumorArrivals.TryGetValue(e.Rumor, out List<long>? times))
                {
                    _rumorArrivals[e.Rumor] = times = [];
                }

                times.Add(e.Timestamp);
            }
            else if (e.Kind == GossipEventKind.MemberDead)
            {
                _deaths.Add((observer, e.Member, e.Timestamp));
            }
        }
    }
}
