using System.Buffers;
using Gossip.Engine.Dissemination;
using Gossip.Wire;

namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// The fast path of the replicated map: new versions (local writes, and versions newer than ours taken from peers)
/// spread as rumors, on the same exchanges, fanout and transmit budgets (about lambda * log n each) as the engine's
/// other rumors; the <see cref="Disseminator"/> piggybacks them. Each is held encoded, in a pooled array returned when
/// it retires. Bounded: when full, the version with the least budget left retires early (the Merkle repair still
/// brings it to whoever missed it).
/// </summary>
internal sealed class DataRumors
{
    private readonly int _capacity;
    private Slot[] _slots = new Slot[4];
    private int _count;
    private int _cursor;

    public DataRumors(int capacity)
    {
        _capacity = capacity;
    }

    /// <summary>Versions still being spread.</summary>
    public int HotCount => _count;

    /// <summary>XOR of the ids of the hot versions (folded into the pull digest, so a pull is answered only when the sets differ).</summary>
    public ulong HotDigest { get; private set; }

    /// <summary>Versions retired before their budget ran out because the buffer was full.</summary>
    public long RetiredEarly { get; private set; }

    /// <summary>Starts spreading a version.</summary>
    public void Add(in DataEntry entry, int transmits)
    {
        if (_count == _capacity)
        {
            RetireLeastBudget();
            RetiredEarly++;
        }
        else if (_count == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Min(_capacity, _slots.Length * 2));
        }

        int size = entry.EncodedSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        var writer = new GossipWriter(buffer);
        _ = entry.TryWrite(ref writer);
        ulong id = EntryHash.OfEntry(entry.Key, entry.Value, entry.Stamp, entry.Origin.Value, entry.Deleted);
        _slots[_count++] = new Slot { Id = id, Encoded = buffer, Length = size, TransmitsLeft = transmits };
        HotDigest ^= id;
    }

    /// <summary>
    /// Writes a whole <see cref="MessageType.DataEntries"/> payload of hot versions (no subtrees: rumors), as many as fit
    /// and at most <paramref name="maxItems"/>, each spending a transmit. Returns how many were written.
    /// </summary>
    public int WriteHot(ref GossipWriter writer, int maxItems)
    {
        int begin = writer.Position;
        if (_count == 0 || !new DataEntriesHeader(AnswerRequested: false).TryWrite(ref writer) || !writer.TryWriteUInt16(0)
            || !ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            writer.Rewind(begin);
            return 0;
        }

        int start = _cursor % _count;
        int visited = 0;
        int index = start;
        while (visited < _count && visited < maxItems)
        {
            ref Slot slot = ref _slots[index];
            if (!writer.TryWriteRaw(slot.Encoded.AsSpan(0, slot.Length)))
            {
                break;
            }

            list.Add();
            visited++;
            index = index + 1 == _count ? 0 : index + 1;
        }

        list.End(ref writer);
        _cursor = index;
        int kept = TransmitBudget.Spend(_slots, _count, start, visited, ref _cursor);
        for (int i = kept; i < _count; i++)
        {
            HotDigest ^= _slots[i].Id;
            ArrayPool<byte>.Shared.Return(_slots[i].Encoded);
        }

        Array.Clear(_slots, kept, _count - kept);
        _count = kept;
        return visited;
    }

    private void RetireLeastBudget()
    {
        int best = 0;
        for (int i = 1; i < _count; i++)
        {
            best = _slots[i].TransmitsLeft < _slots[best].TransmitsLeft ? i : best;
        }

        HotDigest ^= _slots[best].Id;
        ArrayPool<byte>.Shared.Return(_slots[best].Encoded);
        _slots[best] = _slots[--_count];
        _slots[_count] = default;
    }

    private struct Slot : IBudgetedSlot
    {
        public ulong Id;
        public byte[] Encoded;
        public int Length;

        public int TransmitsLeft { get; set; }
    }
}
