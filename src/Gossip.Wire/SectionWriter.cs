namespace Gossip.Wire;

/// <summary>
/// Writes the sections of a <see cref="MessageType.Compound"/> body: <c>[type:u8][length:u16][payload]</c> each.
/// Begin a section, write its payload with the message's <c>TryWrite</c>, then end it (or cancel it when
/// nothing fitted). Lets one datagram piggyback rumors and membership events on a probe.
/// </summary>
public struct SectionWriter
{
    private int _start;

    /// <summary>Sections completed so far.</summary>
    public int Count { get; private set; }

    /// <summary>Starts a section; false when even its 3-byte head does not fit.</summary>
    public bool TryBegin(ref GossipWriter writer, MessageType type)
    {
        _start = writer.Position;
        if (writer.TryWriteByte((byte)type) && writer.TryReserve(2, out _))
        {
            return true;
        }

        writer.Rewind(_start);
        return false;
    }

    /// <summary>Patches the section length. A section with an empty payload is dropped (rewound) and false is returned.</summary>
    public bool End(ref GossipWriter writer)
    {
        int payload = writer.Position - _start - 3;
        if (payload <= 0)
        {
            writer.Rewind(_start);
            return false;
        }

        writer.Patch(_start + 1, checked((ushort)payload));
        Count++;
        return true;
    }

    /// <summary>Discards the section begun last.</summary>
    public readonly void Cancel(ref GossipWriter writer) => writer.Rewind(_start);
}
