using System.Buffers;

namespace Gossip.Engine.Broadcasts;

/// <summary>
/// Recent broadcasts kept to resend to nodes that missed them, oldest first, bounded by count, payload bytes and age
/// (whichever is reached first evicts the oldest). Payloads live in pooled arrays returned on eviction.
/// </summary>
internal sealed class RetentionBuffer
{
    private readonly int _maxCount;
    private readonly long _maxBytes;
    private readonly long _maxAgeRounds;
    private Entry[] _ring = new Entry[4];
    private int _head;

    public RetentionBuffer(int maxCount, long maxBytes, long maxAgeRounds)
    {
        _maxCount = maxCount;
        _maxBytes = maxBytes;
        _maxAgeRounds = maxAgeRounds;
    }

    public int Count { get; private set; }

    /// <summary>Payload bytes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Broadcasts evicted (by count, bytes or age) or refused (larger than the byte bound).</summary>
    public long Evicted { get; private set; }

    /// <summary>Keeps a broadcast, evicting the oldest ones it does not leave room for.</summary>
    public void Add(StreamKey key, uint sequence, ReadOnlySpan<byte> payload, long round)
    {
        if (_maxCount == 0 || payload.Length > _maxBytes)
        {
            Evicted++;
            return;
        }

        while (Count > 0 && (Count >= _maxCount || Bytes + payload.Length > _maxBytes))
        {
            RemoveOldest();
        }

        if (Count == _ring.Length)
        {
            Grow();
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(buffer);
        _ring[(_head + Count) % _ring.Length] = new Entry { Key = key, Sequence = sequence, Payload = buffer, Length = payload.Length, Round = round };
        Count++;
        Bytes += payload.Length;
    }

    /// <summary>The first round in which <see cref="Expire"/> evicts something; <see cref="long.MaxValue"/> when nothing is retained.</summary>
    public long NextExpiryRound => Count == 0 ? long.MaxValue : _ring[_head].Round + _maxAgeRounds + 1;

    /// <summary>Evicts what is older than the age bound.</summary>
    public void Expire(long round)
    {
        while (Count > 0 && round - _ring[_head].Round > _maxAgeRounds)
        {
            RemoveOldest();
        }
    }

    public bool TryFind(StreamKey key, uint sequence, out ReadOnlySpan<byte> payload)
    {
        for (int i = 0; i < Count; i++)
        {
            ref Entry entry = ref _ring[(_head + i) % _ring.Length];
            if (entry.Sequence == sequence && entry.Key == key)
            {
                payload = entry.Payload.AsSpan(0, entry.Length);
                return true;
            }
        }

        payload = default;
        return false;
    }

    /// <summary>The lowest sequence of the stream retained above <paramref name="after"/>; <paramref name="none"/> when there is none.</summary>
    public uint LowestAbove(StreamKey key, uint after, uint none)
    {
        uint lowest = none;
        for (int i = 0; i < Count; i++)
        {
            ref Entry entry = ref _ring[(_head + i) % _ring.Length];
            if (entry.Sequence > after && entry.Sequence < lowest && entry.Key == key)
            {
                lowest = entry.Sequence;
            }
        }

        return lowest;
    }

    /// <summary>The i-th retained broadcast, oldest first (for writing repairs in one pass).</summary>
    public ref readonly Entry At(int index) => ref _ring[(_head + index) % _ring.Length];

    private void RemoveOldest()
    {
        ref Entry oldest = ref _ring[_head];
        ArrayPool<byte>.Shared.Return(oldest.Payload);
        Bytes -= oldest.Length;
        oldest = default;
        _head = (_head + 1) % _ring.Length;
        Count--;
        Evicted++;
    }

    private void Grow()
    {
        var bigger = new Entry[Math.Min(Math.Max(4, _maxCount), _ring.Length * 2)];
        for (int i = 0; i < Count; i++)
        {
            bigger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = bigger;
        _head = 0;
    }

    internal struct Entry
    {
        public StreamKey Key;
        public uint Sequence;
        public byte[] Payload;
        public int Length;
        public long Round;

        public readonly ReadOnlySpan<byte> Span => Payload.AsSpan(0, Length);
    }
}
