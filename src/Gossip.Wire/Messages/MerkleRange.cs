namespace Gossip.Wire;

/// <summary>
/// A hashed range of member ids: <c>[start:u64][end:u64][depth:u8][count:varint][hash:u64]</c>. The format has room
/// for a tree (depth), but today the engine uses one flat level: it writes depth 0, the XOR of the live members'
/// hashes in [start, end] and the count of members in it, and compares hashes only (the count is not used).
/// </summary>
public readonly record struct MerkleRange(ulong Start, ulong End, byte Depth, uint Count, ulong Hash)
{
    /// <summary>Writes the range; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(Start) && writer.TryWriteUInt64(End) && writer.TryWriteByte(Depth) && writer.TryWriteVarUInt(Count) && writer.TryWriteUInt64(Hash))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a range; an inverted range or a depth over the limit is rejected.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out MerkleRange range)
    {
        range = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong start)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong end)) != WireStatus.Ok
            || (status = reader.TryReadByte(out byte depth)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint count)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong hash)) != WireStatus.Ok)
        {
            return status;
        }

        if (depth > limits.MaxMerkleDepth)
        {
            return WireStatus.LimitExceeded;
        }

        if (start > end)
        {
            return WireStatus.Malformed;
        }

        range = new MerkleRange(start, end, depth, count, hash);
        return WireStatus.Ok;
    }
}
