namespace Gossip.Wire;

/// <summary>
/// Failure-detector probe: <c>[seq:varint][target:u64][heartbeat:varint][stateHash:u64]</c>. Carries the sender's
/// heartbeat (the counter that proves it takes part) and the hash of its member table, so a mismatch
/// triggers anti-entropy without a periodic full digest.
/// </summary>
public readonly record struct Ping(uint Sequence, NodeId Target, ulong Heartbeat, ulong StateHash)
{
    /// <summary>Writes the ping; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteUInt64(Target.Value) && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteUInt64(StateHash))
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
            || (status = reader.TryReadUInt64(out ulong target)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong hash)) != WireStatus.Ok)
        {
            return status;
        }

        ping = new Ping(seq, new NodeId(target), heartbeat, hash);
        return WireStatus.Ok;
    }
}
