namespace Gossip.Wire;

/// <summary>
/// Writes a list whose count is known only at the end: reserves a 2-byte count, lets the caller add items
/// while they fit, then patches the count. Lets a sender pack a datagram up to its cap.
/// </summary>
public struct ListWriter
{
    private readonly int _countOffset;

    private ListWriter(int countOffset)
    {
        _countOffset = countOffset;
        Count = 0;
    }

    /// <summary>Items added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Reserves the count; false when not even that fits.</summary>
    public static bool TryBegin(ref GossipWriter writer, out ListWriter list)
    {
        bool ok = writer.TryReserve(2, out int offset);
        list = new ListWriter(offset);
        return ok;
    }

    /// <summary>Records one more item written by the caller.</summary>
    public void Add() => Count++;

    /// <summary>Writes the final count into the reserved bytes.</summary>
    public readonly void End(ref GossipWriter writer) => writer.Patch(_countOffset, checked((ushort)Count));
}
