namespace Gossip.Wire;

/// <summary>
/// Direct answer to a <see cref="Ping"/>: <c>[seq:varint][heartbeat:varint][tableHash:u32][frontierHash:u32]</c>. The node proven alive
/// is the frame's sender. <see cref="TableHash"/> is the low 32 bits of the sender's member-table hash: a prober whose
/// own hash differs starts anti-entropy, so a cluster that agrees sends no digests. (A 32-bit collision between two
/// differing tables only postpones the sync until either table changes or another peer is probed.)
/// <see cref="FrontierHash"/> summarizes how far the sender has delivered each origin's broadcasts: a prober whose own
/// summary differs asks it for the broadcasts it lacks (the broadcast backstop; nothing more is sent when they agree).
/// </summary>
public readonly record struct Ack(uint Sequence, ulong Heartbeat, uint TableHash, uint FrontierHash)
{
    /// <summary>Writes the ack; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteUInt32(TableHash) && writer.TryWriteUInt32(FrontierHash))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an ack.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out Ack ack)
    {
        ack = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint seq)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok
            || (status = reader.TryReadUInt32(out uint hash)) != WireStatus.Ok
            || (status = reader.TryReadUInt32(out uint frontier)) != WireStatus.Ok)
        {
            return status;
        }

        ack = new Ack(seq, heartbeat, hash, frontier);
        return WireStatus.Ok;
    }
}
