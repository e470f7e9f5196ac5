using System.Buffers;
using Gossip.Wire;

namespace Gossip.Engine.Dissemination;

/// <summary>
/// The user rumors a node is spreading ("hot", each with a transmit budget of about lambda * log n) plus a
/// bounded memory of rumor ids already seen, so a rumor is accepted and forwarded once. Payloads live in
/// pooled arrays returned when the rumor retires. Bounded: when full, the rumor with the least budget left
/// retires early and that is counted.
/// </summary>
internal sealed class RumorBuffer
{
    private readonly int _capacity;
    private readonly int _seenCapacity;
    private readonly HashSet<RumorId> _seen = [];
    private Slot[] _slots = new Slot[4];
    private RumorId[] _seenRing = new RumorId[16];
    private int _seenNext;
    private int _count;
    private int _cursor;

    /// <summary>Creates a buffer spreading at most <paramref name="capacity"/> rumors and remembering the ids of four times as many.</summary>
    /// <remarks>Arrays start small and double up to their caps, so 100,000 idle simulated nodes stay cheap.</remarks>
    public RumorBuffer(int capacity)
    {
        _capacity = capacity;
        _seenCapacity = capacity * 4;
    }

    /// <summary>Rumors still being spread.</summary>
    public int HotCount => _count;

    /// <summary>XOR of the ids of hot rumors: two nodes with equal digests are spreading the same set.</summary>
    public ulong HotDigest { get; private set; }

    /// <summary>Rumors retired before their budget ran out because the buffer was full.</summary>
    public long RetiredEarly { get; private set; }

    public bool HasSeen(RumorId id) => _seen.Contains(id);

    /// <summary>Adds a rumor seen for the first time; false when it was seen before.</summary>
    public bool TryAdd(RumorId id, ReadOnlySpan<byte> payload, int transmits)
    {
        if (!Remember(id))
        {
            return false;
        }

        if (_count == _capacity)
        {
            RetireAt(LeastBudgetIndex());
            RetiredEarly++;
        }
        else if (_count == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Min(_capacity, _slots.Length * 2));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(buffer);
        _slots[_count++] = new Slot { Id = id, Payload = buffer, Length = payload.Length, TransmitsLeft = transmits };
        HotDigest ^= id.Hash;
        return true;
    }

    /// <summary>
    /// Writes as many hot rumors as fit (at most <paramref name="maxItems"/>, the receiver's list limit) as one Rumors list, starting where the last write stopped so every
    /// rumor gets its turn; each written rumor spends one transmit and retires at zero. Returns how many were written.
    /// </summary>
    public int WriteHot(ref GossipWriter writer, int maxItems)
    {
        if (_count == 0 || !ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            return 0;
        }

        int start = _cursor % _count;
        int visited = 0;
        int index = start;
        while (visited < _count && visited < maxItems)
        {
            ref Slot slot = ref _slots[index];
            if (!new Rumor(slot.Id.Origin, slot.Id.Generation, slot.Id.Sequence, slot.Payload.AsSpan(0, slot.Length)).TryWrite(ref writer))
            {
                break;
            }

            list.Add();
            visited++;
            index = index + 1 == _count ? 0 : index + 1;
        }

        list.End(ref writer);
        _cursor = index;
        SpendTransmits(start, visited);
        return visited;
    }

    private void SpendTransmits(int start, int written)
    {
        // Compacted in order so the cursor keeps its meaning; retired payloads go back to the pool.
        int kept = TransmitBudget.Spend(_slots, _count, start, written, ref _cursor);
        for (int i = kept; i < _count; i++)
        {
            HotDigest ^= _slots[i].Id.Hash;
            ArrayPool<byte>.Shared.Return(_slots[i].Payload);
        }

        Array.Clear(_slots, kept, _count - kept);
        _count = kept;
    }

    private void RetireAt(int index)
    {
        ref Slot slot = ref _slots[index];
        HotDigest ^= slot.Id.Hash;
        ArrayPool<byte>.Shared.Return(slot.Payload);
        _slots[index] = _slots[--_count];
        _slots[_count] = default;
    }

    private int LeastBudgetIndex()
    {
        int best = 0;
        for (int i = 1; i < _count; i++)
        {
            if (_slots[i].TransmitsLeft < _slots[best].TransmitsLeft)
            {
                best = i;
            }
        }

        return best;
    }

    private bool Remember(RumorId id)
    {
        if (!_seen.Add(id))
        {
            return false;
        }

        if (_seenNext == _seenRing.Length && _seenRing.Length < _seenCapacity)
        {
            Array.Resize(ref _seenRing, Math.Min(_seenCapacity, _seenRing.Length * 2));
        }
        else if (_seenNext == _seenRing.Length)
        {
            _seenNext = 0;
        }

        RumorId evicted = _seenRing[_seenNext];
        if (evicted != default)
        {
            _seen.Remove(evicted);
        }

        _seenRing[_seenNext++] = id;
        return true;
    }

    private struct Slot : IBudgetedSlot
    {
        public RumorId Id;
        public byte[] Payload;
        public int Length;

        public int TransmitsLeft { get; set; }
    }
}
