using System.Text;
using Gossip.Engine;
using Gossip.Wire;

namespace Gossip.LoadGen.Measurement;

/// <summary>
/// The notifications of one process's nodes in a multi-process run: first arrival of each rumor, keyed by its origin
/// (a rumor of another process is known here only by the node that originated it, and a run has one rumor per
/// origin), and every death declaration. Thread-safe (each node's notifications are drained on its own task); a few
/// hundred events a run, off the hot path.
/// </summary>
internal sealed class PartEventLog
{
    /// <summary>The start of the payload of a start announcement (a rumor of the coordinator), followed by its text.</summary>
    public static readonly byte[] AnnouncementPrefix = "loadgen.start\n"u8.ToArray();

    private readonly Lock _gate = new();
    private readonly Dictionary<NodeId, string> _announcements = [];
    private readonly Dictionary<NodeId, Dictionary<NodeId, long>> _rumorArrivals = [];
    private readonly List<(NodeId Observer, NodeId Subject, long Timestamp)> _deaths = [];

    /// <summary>Notifications of a rumor the observer had already reported.</summary>
    public int DuplicateRumors { get; private set; }

    /// <summary>Records one notification seen by <paramref name="observer"/>; kinds other than rumors and deaths are ignored.</summary>
    public void Record(NodeId observer, in GossipEvent e)
    {
        lock (_gate)
        {
            if (e.Kind == GossipEventKind.RumorReceived && e.Payload.Span.StartsWith(AnnouncementPrefix))
            {
                // An announcement is not one of the measured rumors: its origin may originate one of those too.
                _announcements.TryAdd(e.Rumor.Origin, Encoding.UTF8.GetString(e.Payload.Span[AnnouncementPrefix.Length..]));
            }
            else if (e.Kind == GossipEventKind.RumorReceived)
            {
                if (!_rumorArrivals.TryGetValue(e.Rumor.Origin, out Dictionary<NodeId, long>? arrivals))
                {
                    _rumorArrivals[e.Rumor.Origin] = arrivals = [];
                }

                if (!arrivals.TryAdd(observer, e.Timestamp))
                {
                    DuplicateRumors++;
                }
            }
            else if (e.Kind == GossipEventKind.MemberDead)
            {
                _deaths.Add((observer, e.Member, e.Timestamp));
            }
        }
    }

    /// <summary>The text of the first announcement any node here received from <paramref name="origin"/>; false while none has.</summary>
    public bool TryGetAnnouncement(NodeId origin, out string text)
    {
        lock (_gate)
        {
            return _announcements.TryGetValue(origin, out text!);
        }
    }

    /// <summary>How many of <paramref name="expected"/> received the rumor of <paramref name="origin"/>, and the first and last of their arrivals.</summary>
    public (int Count, long FirstTimestamp, long LastTimestamp) RumorFrom(NodeId origin, IReadOnlySet<NodeId> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        lock (_gate)
        {
            int count = 0;
            long first = long.MaxValue, last = long.MinValue;
            if (_rumorArrivals.TryGetValue(origin, out Dictionary<NodeId, long>? arrivals))
            {
                foreach ((NodeId node, long timestamp) in arrivals)
                {
                    if (expected.Contains(node))
                    {
                        count++;
                        first = Math.Min(first, timestamp);
                        last = Math.Max(last, timestamp);
                    }
                }
            }

            return (count, first, last);
        }
    }

    /// <summary>Distinct observers among <paramref name="observers"/> that declared <paramref name="subject"/> dead at or after <paramref name="since"/>, with the first and last of their first declarations.</summary>
    public (int Count, long FirstTimestamp, long LastTimestamp) DeathsOf(NodeId subject, IReadOnlySet<NodeId> observers, long since)
    {
        ArgumentNullException.ThrowIfNull(observers);
        lock (_gate)
        {
            var firstBy = new Dictionary<NodeId, long>();
            foreach ((NodeId observer, NodeId dead, long timestamp) in _deaths)
            {
                if (dead == subject && timestamp >= since && observers.Contains(observer))
                {
                    firstBy[observer] = firstBy.TryGetValue(observer, out long seen) ? Math.Min(seen, timestamp) : timestamp;
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
    /// Death declarations made at or after <paramref name="since"/> of nodes that were live then: never crashed, or
    /// declared before their crash (<paramref name="crashedAt"/>). Returns the distinct subjects (so that processes'
    /// lists can be united) and the number of declarations.
    /// </summary>
    public (IReadOnlyList<NodeId> Subjects, int Declarations) FalsePositives(IReadOnlyDictionary<NodeId, long> crashedAt, long since)
    {
        ArgumentNullException.ThrowIfNull(crashedAt);
        lock (_gate)
        {
            var subjects = new SortedSet<NodeId>();
            int declarations = 0;
            foreach ((NodeId _, NodeId subject, long timestamp) in _deaths)
            {
                bool wasLive = !crashedAt.TryGetValue(subject, out long crashed) || timestamp < crashed;
                if (timestamp >= since && wasLive)
                {
                    subjects.Add(subject);
                    declarations++;
                }
            }

            return ([.. subjects], declarations);
        }
    }
}
