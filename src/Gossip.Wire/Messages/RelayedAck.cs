namespace Gossip.Wire;

/// <summary>
/// A helper's answer to a <see cref="PingReq"/>: <c>[seq:varint][subject:u64][heartbeat:varint]</c>, sent when the
/// target acked the helper's own ping. <see cref="Sequence"/> is the requester's, <see cref="Subject"/> the node proven
/// alive and <see cref="Heartbeat"/> the heartbeat it reported. Its own message type keeps the direct ack, by far the
/// most frequent frame, free of the 8-byte subject.
/// </summary>
public readonly record struct RelayedAck(uint Sequence, NodeId Subject, ulong Heartbeat)
{
    /// <summary>Writes the relayed ack; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteUInt64(Subject.Value) && writer.TryWriteVarUInt(Heartbeat))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a relayed ack.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out RelayedAck ack)
    {
        ack = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint seq)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong subject)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok)
        {
            return status;
        }

        ack = new RelayedAck(seq, new NodeId(subject), heartbeat);
        return WireStatus.Ok;
    }
}
