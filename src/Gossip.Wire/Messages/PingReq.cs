namespace Gossip.Wire;

/// <summary>Indirect probe request: <c>[seq:varint][target:u64][targetAddress]</c>: "probe this node for me and relay its ack".</summary>
public readonly record struct PingReq(uint Sequence, NodeId Target, WireAddress TargetAddress)
{
    /// <summary>Writes the request; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Sequence) && writer.TryWriteUInt64(Target.Value) && TargetAddress.TryWrite(ref writer))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a request.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out PingReq request)
    {
        request = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint seq)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong target)) != WireStatus.Ok
            || (status = WireAddress.TryRead(ref reader, out WireAddress address)) != WireStatus.Ok)
        {
            return status;
        }

        request = new PingReq(seq, new NodeId(target), address);
        return WireStatus.Ok;
    }
}
