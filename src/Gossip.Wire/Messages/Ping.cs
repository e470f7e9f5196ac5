namespace Gossip.Wire;

/// <summary>
/// Failure-detector probe: <c>[seq:varint][heartbeat:varint]</c>, carrying the sender's heartbeat (the counter that
/// proves it takes part). The target is not on the wire: a probe is always addressed to its target, and the ack's
/// frame header names who answered, so a node that now holds a dead member's address cannot ack in its place.
/// </summary>
public readonly record struct Ping(uint Sequence, ulong Heartbeat)
{
    /// <summary>Writes the ping; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteVarUInt(Heartbeat))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a ping.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out Ping ping)
    {
        ping = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint seq)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok)
        {
            return status;
        }

        ping = new Ping(seq, heartbeat);
        return WireStatus.Ok;
    }
}
