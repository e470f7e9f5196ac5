using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>Walks a digest list (<c>[count:u16]</c> then entries) that <see cref="BodyValidator"/> already checked.</summary>
internal ref struct DigestCursor
{
    private GossipReader _reader;
    private readonly int _count;
    private int _read;

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
}
