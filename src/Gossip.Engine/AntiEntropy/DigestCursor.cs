using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>Walks a digest list (<c>[count:u16]</c> then entries) that <see cref="BodyValidator"/> already checked.</summary>
internal ref struct DigestCursor
{
    private GossipReader _reader;
    private readonly int _count;
    private int _read;

    [ThreadStatic]
    private static DigestEntry[]? _scratch;

    public DigestCursor(ReadOnlySpan<byte> payload, WireLimits limits)
    {
        _reader = new GossipReader(payload);
        _ = _reader.TryReadCount(limits.MaxListCount, out _count);
        _read = 0;
        Current = default;
    }

    public DigestEntry Current { get; private set; }

    public bool MoveNext()
    {
        if (_read == _count || DigestEntry.TryRead(ref _reader, out DigestEntry entry) != WireStatus.Ok)
        {
            return false;
        }

        _read++;
        Current = entry;
        return true;
    }

    /// <summary>
    /// Decodes a whole digest once into a per-thread scratch array (valid until this thread decodes the next one), so
    /// an ACK's two passes over it do not parse it twice. A node's handlers run on one thread at a time, and the scratch
    /// grows to the longest digest seen, so it costs a few kilobytes per thread, not per node.
    /// </summary>
    public static ReadOnlySpan<DigestEntry> Decode(ReadOnlySpan<byte> payload, WireLimits limits)
    {
        var cursor = new DigestCursor(payload, limits);
        DigestEntry[] scratch = _scratch ??= new DigestEntry[64];
        int count = 0;
        while (cursor.MoveNext())
        {
            if (count == scratch.Length)
            {
                Array.Resize(ref _scratch, scratch.Length * 2);
                scratch = _scratch;
            }

            scratch[count++] = cursor.Current;
        }

        return scratch.AsSpan(0, count);
    }
}
