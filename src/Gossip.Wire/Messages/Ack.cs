namespace Gossip.Wire;

/// <summary>
/// Answer to a probe: <c>[seq:varint][subject:u64][heartbeat:varint][stateHash:u64]</c>. <see cref="Subject"/> is the node
/// whose liveness is proven (the sender itself, or the target when a helper relays an indirect probe).
/// </summary>
public readonly record struct Ack(uint Sequence, NodeId Subject, ulong Heartbeat, ulong StateHash)
{
    /// <summary>Writes the ack; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteUInt64(Subject.Value) && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteUInt64(StateHash))
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
            || (status = reader.TryReadUInt64(out ulong subject)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong hash)) != WireStatus.Ok)
        {
            return status;
        }

        ack = new Ack(seq, new NodeId(subject), heartbeat, hash);
        return WireStatus.Ok;
    }
}
