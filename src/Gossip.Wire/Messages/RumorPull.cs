namespace Gossip.Wire;

/// <summary>
/// Pull request: <c>[hotDigest:u64][budget:varint]</c>. <see cref="HotDigest"/> is the XOR of the ids of the rumors the
/// requester is spreading; a responder whose own digest matches has nothing new and answers with nothing.
/// <see cref="Budget"/> is the largest reply body the requester accepts.
/// </summary>
public readonly record struct RumorPull(ulong HotDigest, uint Budget)
{
    /// <summary>Writes the request; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(HotDigest) && writer.TryWriteVarUInt(Budget))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a request.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out RumorPull pull)
    {
        pull = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong digest)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint budget)) != WireStatus.Ok)
        {
            return status;
        }

        pull = new RumorPull(digest, budget);
        return WireStatus.Ok;
    }
}
