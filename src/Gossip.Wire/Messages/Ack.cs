namespace Gossip.Wire;

/// <summary>
/// Direct answer to a <see cref="Ping"/>: <c>[seq:varint][heartbeat:varint][tableHash:u32][frontierHash:u32]</c>. The node proven alive
/// is the frame's sender. <see cref="TableHash"/> is the low 32 bits of the sender's member-table hash: a prober whose
/// own hash differs starts anti-entropy, so a cluster that agrees sends no digests. (A 32-bit collision between two
/// differing tables only postpones the sync until either table changes or another peer is probed.)
/// <see cref="FrontierHash"/> summarizes how far the sender has delivered each origin's broadcasts: a prober whose own
/// summary differs asks it for the broadcasts it lacks (the broadcast backstop; nothing more is sent when they agree).
/// An ack of a node whose replicated map is not empty ends with <c>[dataRoot:u64]</c>, the root hash of its map's tree
/// (<see cref="DataRoot"/>): a prober whose own root differs starts a Merkle repair. An empty map's root is 0 and is not
/// written, so nodes that do not use the map send the same acks as before.
/// </summary>
public readonly record struct Ack(uint Sequence, ulong Heartbeat, uint TableHash, uint FrontierHash)
{
    /// <summary>The root hash of the sender's replicated map; 0 when the map is empty (and then not on the wire).</summary>
    public ulong DataRoot { get; init; }

    /// <summary>Writes the ack; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteUInt32(TableHash) && writer.TryWriteUInt32(FrontierHash)
            && (DataRoot == 0 || writer.TryWriteUInt64(DataRoot)))
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

        ulong root = 0;
        if (reader.Remaining >= 8 && ((status = reader.TryReadUInt64(out root)) != WireStatus.Ok || root == 0))
        {
            // A written root is never 0: an empty map's root is left out, so there is one encoding per ack.
            return status == WireStatus.Ok ? WireStatus.Malformed : status;
        }

        ack = new Ack(seq, heartbeat, hash, frontier) { DataRoot = root };
        return WireStatus.Ok;
    }
}
