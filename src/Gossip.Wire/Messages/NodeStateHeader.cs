namespace Gossip.Wire;

/// <summary>
/// Head of one member's delta in an ACK / ACK2: <c>[node:u64][generation:varint][status:u8][heartbeat:varint][from:varint][address]</c>,
/// followed by a list of <see cref="KeyValueEntry"/> (<c>[count:u16]</c> then entries) holding every key newer than
/// <see cref="From"/>, the version the sender believed the receiver held. A receiver that holds less than
/// <see cref="From"/> (it forgot the member since it said so) must not take the entries: they would leave a hole below.
/// </summary>
/// <param name="Node">The member the delta is about.</param>
/// <param name="Generation">The member's generation (its process start).</param>
/// <param name="Status">The member's status as the sender holds it.</param>
/// <param name="Heartbeat">The member's heartbeat as the sender holds it.</param>
/// <param name="Address">The member's address.</param>
/// <param name="From">The entries are every key above this version (0: the member's whole state).</param>
public readonly record struct NodeStateHeader(NodeId Node, uint Generation, MemberStatus Status, ulong Heartbeat, WireAddress Address, ulong From = 0)
{
    /// <summary>Writes the header; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(Node.Value) && writer.TryWriteVarUInt(Generation) && writer.TryWriteByte((byte)Status)
            && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteVarUInt(From) && Address.TryWrite(ref writer))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a header.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out NodeStateHeader header)
    {
        header = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong node)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint generation)) != WireStatus.Ok
            || (status = reader.TryReadByte(out byte memberStatus)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong from)) != WireStatus.Ok
            || (status = WireAddress.TryRead(ref reader, out WireAddress address)) != WireStatus.Ok)
        {
            return status;
        }

        if (memberStatus > (byte)MemberStatus.Left || node == 0)
        {
            return WireStatus.Malformed;
        }

        header = new NodeStateHeader(new NodeId(node), generation, (MemberStatus)memberStatus, heartbeat, address, from);
        return WireStatus.Ok;
    }
}
