using Gossip.Wire;

namespace Gossip.Engine.FailureDetection;

/// <summary>
/// Indirect probes this node runs for others: my probe sequence -> (requester's address and id, its sequence, target), and the round by
/// which the target should have acked, after which the requester gets a nack. A fixed ring: the oldest entry is
/// overwritten when full, so a flood of ping-reqs cannot grow memory (nor make us send more than one nack each).
/// </summary>
internal sealed class RelayTable
{
    private readonly Entry[] _entries;
    private int _next;

    public RelayTable(int capacity) => _entries = new Entry[capacity];

    /// <summary>Remembers a relay; a <paramref name="bare"/> one (a requester not verified at its address) is answered once, without piggyback.</summary>
    public void Add(uint mySequence, WireAddress requester, NodeId requesterId, uint requesterSequence, NodeId target, long round, long nackRound, bool bare = false)
    {
        _entries[_next] = new Entry(mySequence, requester, requesterId, requesterSequence, target, round, nackRound, Used: true, Nacked: false, Bare: bare);
        _next = (_next + 1) % _entries.Length;
    }

    /// <summary>
    /// Finds and removes the relay for an ack of <paramref name="mySequence"/> from <paramref name="target"/>;
    /// <paramref name="bare"/> tells whether the relay must be answered without piggyback.
    /// </summary>
    public bool TryTake(uint mySequence, NodeId target, long oldestRound, out WireAddress requester, out NodeId requesterId, out uint requesterSequence, out bool bare)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.Used && e.MySequence == mySequence && e.Target == target && e.Round >= oldestRound)
            {
                e.Used = false;
                requester = e.Requester;
                requesterId = e.RequesterId;
                requesterSequence = e.RequesterSequence;
                bare = e.Bare;
                return true;
            }
        }

        requester = default;
        requesterId = default;
        requesterSequence = 0;
        bare = false;
        return false;
    }

    /// <summary>
    /// Finds a relay whose target has not acked by its nack round and marks it nacked (one nack per relay; a late ack
    /// is still relayed). Call until false.
    /// </summary>
    public bool TryTakeDueNack(long round, out WireAddress requester, out NodeId requesterId, out uint requesterSequence, out NodeId target)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.Used && !e.Nacked && round >= e.NackRound)
            {
                e.Nacked = true;

                // A bare relay is answered once: after its nack, a late ack is not relayed.
                e.Used = !e.Bare;
                requester = e.Requester;
                requesterId = e.RequesterId;
                requesterSequence = e.RequesterSequence;
                target = e.Target;
                return true;
            }
        }

        requester = default;
        requesterId = default;
        requesterSequence = 0;
        target = default;
        return false;
    }

    /// <summary>The earliest round in which <see cref="TryTakeDueNack"/> will answer a relay; <see cref="long.MaxValue"/> when none waits.</summary>
    public long NextNackRound()
    {
        long next = long.MaxValue;
        foreach (ref readonly Entry e in _entries.AsSpan())
        {
            if (e.Used && !e.Nacked)
            {
                next = Math.Min(next, e.NackRound);
            }
        }

        return next;
    }

    private record struct Entry(uint MySequence, WireAddress Requester, NodeId RequesterId, uint RequesterSequence, NodeId Target, long Round, long NackRound, bool Used, bool Nacked, bool Bare);
}
