using Gossip.Engine;
using Gossip.Wire;

namespace Gossip.LoadGen.Measurement;

/// <summary>
/// What the measurements need from the nodes' notifications: when each node first received each rumor, and who
/// declared whom dead, when. Timestamps are the nodes' <see cref="TimeProvider"/> timestamps. Thread-safe, because
/// on UDP every node's notifications are drained on its own task; not on a hot path (a few hundred events a run).
/// </summary>
internal sealed class EventLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RumorId, Dictionary<NodeId, long>> _rumorArrivals = [];
    private readonly List<DeathDeclaration> _deaths = [];
    private readonly List<DeathDeclaration> _suspicions = [];

    /// <summary>MemberLeft notifications seen by any observer.</summary>
    public int Departures { get; private set; }

    /// <summary>Notifications of a rumor the observer had already reported.</summary>
    public int DuplicateRumors { get; private set; }

    /// <summary>Records one notification seen by <paramref name="observer"/>; kinds other than rumors and deaths are ignored.</summary>
    public void Record(NodeId observer, in GossipEvent e)
    {
        lock (_gate)
        {
            if (e.Kind == GossipEventKind.RumorReceived)
            {
                if (!_rumorArrivals.TryGetValue(e.Rumor, out Dictionary<NodeId, long>? arrivals))
                {
                    _rumorArrivals[e.Rumor] = arrivals = [];
                }

                // The first arrival counts; a node re-reporting a rumor (it must not) is counted, and does not move the time.
                if (!arrivals.TryAdd(observer, e.Timestamp))
                {
                    DuplicateRumors++;
                }
            }
            else if (e.Kind == GossipEventKind.MemberDead)
            {
                _deaths.Add(new DeathDeclaration(observer, e.Member, e.Timestamp));
            }
            else if (e.Kind == GossipEventKind.MemberSuspect)
            {
                _suspicions.Add(new DeathDeclaration(observer, e.Member, e.Timestamp));
            }
            else if (e.Kind == GossipEventKind.MemberLeft)
            {
                Departures++;
            }
        }
    }

    /// <summary>How many of <paramref name="expected"/> have received <paramref name="rumor"/>, and the latest of their first arrivals.</summary>
    public (int Count, long LastTimestamp) Spread(RumorId rumor, IReadOnlySet<NodeId> expected)
    {
        lock (_gate)
        {
            int count = 0;
            long last = long.MinValue;
            if (_rumorArrivals.TryGetValue(rumor, out Dictionary<NodeId, long>? arrivals))
            {
                foreach ((NodeId node, long timestamp) in arrivals)
                {
                    if (expected.Contains(node))
                    {
                        count++;
                        last = Math.Max(last, timestamp);
                    }
                }
            }

            return (count, last);
        }
    }

    /// <summary>The first-arrival timestamps of <paramref name="rumor"/> at the nodes of <paramref name="expected"/>, sorted.</summary>
    public long[] Arrivals(RumorId rumor, IReadOnlySet<NodeId> expected)
    {
        lock (_gate)
        {
            var times = new List<long>();
            if (_rumorArrivals.TryGetValue(rumor, out Dictionary<NodeId, long>? arrivals))
            {
                foreach ((NodeId node, long timestamp) in arrivals)
                {
                    if (expected.Contains(node))
                    {
                        times.Add(timestamp);
                    }
                }
            }

            long[] sorted = [.. times];
            Array.Sort(sorted);
            return sorted;
        }
    }

    /// <summary>Distinct observers among <paramref name="observers"/> that declared <paramref name="subject"/> dead at or after <paramref name="since"/>, with the first and last of their (first) declarations.</summary>
    public (int Count, long FirstTimestamp, long LastTimestamp) DeathsOf(NodeId subject, IReadOnlySet<NodeId> observers, long since)
    {
        lock (_gate)
        {
            var firstBy = new Dictionary<NodeId, long>();
            foreach (DeathDeclaration d in _deaths)
            {
                if (d.Subject == subject && d.Timestamp >= since && observers.Contains(d.Observer) && !firstBy.ContainsKey(d.Observer))
                {
                    firstBy[d.Observer] = d.Timestamp;
                }
            }

            long first = long.MaxValue, last = long.MinValue;
            foreach (long t in firstBy.Values)
            {
                first = Math.Min(first, t);
                last = Math.Max(last, t);
            }

            return (firstBy.Count, first, last);
        }
    }

    /// <summary>
    /// False positives as docs/measurement.md defines them: distinct nodes declared dead at or after <paramref name="since"/>
    /// while they were live, that is never crashed or declared before their crash (<paramref name="crashedAt"/>, the
    /// crash timestamps); and the number of such declarations.
    /// </summary>
    public (int LiveNodesDeclaredDead, int Declarations) FalsePositives(IReadOnlyDictionary<NodeId, long> crashedAt, long since)
    {
        ArgumentNullException.ThrowIfNull(crashedAt);
        lock (_gate)
        {
            var subjects = new HashSet<NodeId>();
            int declarations = 0;
            foreach (DeathDeclaration d in _deaths)
            {
                bool wasLive = !crashedAt.TryGetValue(d.Subject, out long crashed) || d.Timestamp < crashed;
                if (d.Timestamp >= since && wasLive)
                {
                    subjects.Add(d.Subject);
                    declarations++;
                }
            }

            return (subjects.Count, declarations);
        }
    }

    /// <summary>Every death and suspicion declared at or after <paramref name="since"/>, in the order recorded: what a run that saw a false death prints to say who, whom and when.</summary>
    public IReadOnlyList<(bool Dead, NodeId Observer, NodeId Subject, long Timestamp)> DeclarationsSince(long since)
    {
        lock (_gate)
        {
            var found = new List<(bool Dead, NodeId Observer, NodeId Subject, long Timestamp)>();
            foreach (DeathDeclaration d in _suspicions)
            {
                if (d.Timestamp >= since)
                {
                    found.Add((false, d.Observer, d.Subject, d.Timestamp));
                }
            }

            foreach (DeathDeclaration d in _deaths)
            {
                if (d.Timestamp >= since)
                {
                    found.Add((true, d.Observer, d.Subject, d.Timestamp));
                }
            }

            found.Sort(static (a, b) => a.Timestamp.CompareTo(b.Timestamp));
            return found;
        }
    }

    private readonly record struct DeathDeclaration(NodeId Observer, NodeId Subject, long Timestamp);
}
