namespace Gossip.Wire;

/// <summary>
/// One member in an anti-entropy digest: <c>[node:u64][generation:varint][status:u8][heartbeat:varint][maxVersion:varint]</c>.
/// A digest section is a list (<c>[count:u16]</c> then entries) preceded by the sweep cursor.
/// </summary>
public readonly record struct DigestEntry(NodeId Node, uint Generation, MemberStatus Status, ulong Heartbeat, ulong MaxVersion)
{
    /// <summary>Writes the entry; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(Node.Value) && writer.TryWriteVarUInt(Generation) && writer.TryWriteByte((byte)Status)
            && writer.TryWriteVarUInt(Heartbeat) && writer.TryWriteVarUInt(MaxVersion))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an entry.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out DigestEntry entry)
    {
        entry = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong node)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint generation)) != WireStatus.Ok
            || (status = reader.TryReadByte(out byte memberStatus)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong heartbeat)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt(out ulong maxVersion)) != WireStatus.Ok)
        {
            return status;
        }

        if (memberStatus > (byte)MemberStatus.Left || node == 0)
        {
            return WireStatus.Malformed;
        }

        entry = new DigestEntry(new NodeId(node), generation, (MemberStatus)memberStatus, heartbeat, maxVersion);
        return WireStatus.Ok;
    }
}
