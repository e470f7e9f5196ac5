using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// The SYNs this node answered recently, by initiator (id and generation): an ACK2 is taken only as the answer to an
/// ACK this process sent. An ACK2 to anything else carries deltas computed against a copy this process never held:
/// after a restart within the same second, the new process received the answer to its predecessor's ACK, took the
/// deltas above the version the old process held, and lacked the older entries for good (found by the chaos runner,
/// seeds 9772 and 18597). It also refuses unsolicited deltas. Fixed size, oldest overwritten; no allocation.
/// </summary>
internal sealed class OpenExchanges
{
    private readonly Entry[] _entries;
    private int _next;

    public OpenExchanges(int capacity) => _entries = new Entry[capacity];

    /// <summary>Notes that an ACK went to <paramref name="initiator"/> at <paramref name="round"/>.</summary>
    public void Open(NodeId initiator, uint generation, long round)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Initiator == initiator && _entries[i].Generation == generation)
            {
                _entries[i].Round = round;
                return;
            }
        }

        _entries[_next] = new Entry { Initiator = initiator, Generation = generation, Round = round };
        _next = (_next + 1) % _entries.Length;
    }

    /// <summary>True when an ACK went to this initiator within <paramref name="maxAge"/> rounds (it stays open: a large answer can come in several frames).</summary>
    public bool IsOpen(NodeId initiator, uint generation, long round, long maxAge)
    {
        foreach (Entry entry in _entries)
        {
            if (entry.Initiator == initiator && entry.Generation == generation && !initiator.IsNone && round - entry.Round <= maxAge)
            {
                return true;
            }
        }

        return false;
    }

    private struct Entry
    {
        public NodeId Initiator;
        public uint Generation;
        public long Round;
    }
}
