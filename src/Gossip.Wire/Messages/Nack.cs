namespace Gossip.Wire;

/// <summary>
/// A helper's word that it ran a <see cref="PingReq"/> but the target has not acked it yet:
/// <c>[seq:varint][subject:u64]</c>, with <see cref="Sequence"/> the requester's and <see cref="Subject"/> the target.
/// The requester learns that its own path to the helper works both ways: when a probe fails and no nack came back from
/// any helper either, the fault is most likely its own (Lifeguard's missed nacks), not the target's.
/// </summary>
public readonly record struct Nack(uint Sequence, NodeId Subject)
{
    /// <summary>Writes the nack; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteUInt64(Subject.Value))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a nack.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out Nack nack)
    {
        nack = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint seq)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong subject)) != WireStatus.Ok)
        {
            return status;
        }

        nack = new Nack(seq, new NodeId(subject));
        return WireStatus.Ok;
    }
}
