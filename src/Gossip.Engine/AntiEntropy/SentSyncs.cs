using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// The SYNs this node sent lately, by destination address: an ACK is taken only as the answer to one of them. Without
/// this, anyone could push deltas at a node with an unsolicited ACK, and a node restarted within the same second took
/// the ACK its predecessor had asked for. A fixed ring: a flood of SYNs we send cannot grow it, and the oldest goes.
/// </summary>
internal sealed class SentSyncs
{
    private readonly (WireAddress Destination, long Round, ulong RangeEnd)[] _entries;
    private int _next;

    public SentSyncs(int capacity) => _entries = new (WireAddress, long, ulong)[capacity];

    /// <summary>Notes a SYN sent to <paramref name="destination"/> at <paramref name="round"/>, whose digest covered ids up to <paramref name="rangeEnd"/>.</summary>
    public void Note(WireAddress destination, long round, ulong rangeEnd)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Destination == destination)
            {
                _entries[i].Round = round;
                _entries[i].RangeEnd = rangeEnd;
                return;
            }
        }

        _entries[_next] = (destination, round, rangeEnd);
        _next = (_next + 1) % _entries.Length;
    }

    /// <summary>
    /// True when a SYN went to <paramref name="source"/> within <paramref name="maxAge"/> rounds: the address itself for a
    /// datagram, its host for a stream frame (a connection's port is ephemeral). It stays open: a large answer can come
    /// in several frames. <paramref name="rangeEnd"/>: where the digest of the last SYN to it ended.
    /// </summary>
    public bool Answers(WireAddress source, bool viaStream, long round, long maxAge, out ulong rangeEnd)
    {
        foreach ((WireAddress destination, long sent, ulong end) in _entries)
        {
            if (!destination.IsNone && round - sent <= maxAge && (viaStream ? FrameOrigin.SameHost(source, destination) : source == destination))
            {
                rangeEnd = end;
                return true;
            }
        }

        rangeEnd = 0;
        return false;
    }
}
