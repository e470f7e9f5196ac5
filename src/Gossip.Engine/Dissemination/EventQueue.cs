using Gossip.Wire;

namespace Gossip.Engine.Dissemination;

/// <summary>
/// Membership events waiting to be piggybacked, each with a transmit budget. A newer event about the same
/// member replaces the older one (only the latest news about a member is worth bandwidth). Bounded: when
/// full, the event with the least budget left is dropped.
/// </summary>
internal sealed class EventQueue
{
    private readonly int _capacity;
    private Slot[] _slots = new Slot[4];
    private int _count;
    private int _cursor;

    public EventQueue(int capacity) => _capacity = capacity;

    public int Count => _count;

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped { get; private set; }

    public void Enqueue(in MembershipEvent membershipEvent, int transmits)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_slots[i].Event.Subject == membershipEvent.Subject)
            {
                _slots[i] = new Slot(membershipEvent, transmits);
                return;
            }
        }

        if (_count == _slots.Length && _count < _capacity)
        {
            Array.Resize(ref _slots, Math.Min(_capacity, _slots.Length * 2));
        }

        if (_count == _slots.Length)
        {
            int least = 0;
            for (int i = 1; i < _count; i++)
            {
                least = _slots[i].TransmitsLeft < _slots[least].TransmitsLeft ? i : least;
            }

            _slots[least] = _slots[--_count];
            Dropped++;
        }

        _slots[_count++] = new Slot(membershipEvent, transmits);
    }

    /// <summary>
    /// Writes as many queued events as fit (at most <paramref name="maxItems"/>, the receiver's list limit, and about
    /// <paramref name="maxBytes"/>) as one Membership list, spending one transmit each. Returns how many.
    /// </summary>
    public int Write(ref GossipWriter writer, int maxItems, int maxBytes = int.MaxValue)
    {
        if (_count == 0 || !ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            return 0;
        }

        int start = _cursor % _count;
        int written = 0;
        int index = start;
        int begin = writer.Position;
        while (written < _count && written < maxItems && writer.Position - begin < maxBytes && _slots[index].Event.TryWrite(ref writer))
        {
            list.Add();
            written++;
            index = index + 1 == _count ? 0 : index + 1;
        }

        list.End(ref writer);
        _cursor = index;
        int kept = TransmitBudget.Spend(_slots, _count, start, written, ref _cursor);
        Array.Clear(_slots, kept, _count - kept);
        _count = kept;
        return written;
    }

    private record struct Slot(MembershipEvent Event, int TransmitsLeft) : IBudgetedSlot;
}
