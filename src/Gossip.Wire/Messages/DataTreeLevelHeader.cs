namespace Gossip.Wire;

/// <summary>
/// The head of a <see cref="MessageType.DataTreeLevel"/> section: <c>[depth:u8][level:u8][count:u16]</c>, then
/// <c>count</c> <see cref="DataTreeChildren"/> items whose children sit at <see cref="Level"/> (their parents one level
/// up). <see cref="Depth"/> is the level at which the descent stops and entries are exchanged instead.
/// </summary>
public readonly record struct DataTreeLevelHeader(byte Depth, byte Level)
{
    /// <summary>Writes depth and level (the caller then writes the counted list); all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteByte(Depth) && writer.TryWriteByte(Level))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads depth and level; a level of 0, above the depth, or a depth over <see cref="WireLimits.MaxMerkleDepth"/> is refused.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out DataTreeLevelHeader header)
    {
        ArgumentNullException.ThrowIfNull(limits);
        header = default;
        WireStatus status;
        if ((status = reader.TryReadByte(out byte depth)) != WireStatus.Ok || (status = reader.TryReadByte(out byte level)) != WireStatus.Ok)
        {
            return status;
        }

        if (depth > limits.MaxMerkleDepth || depth > DataSubtree.MaxLevel)
        {
            return WireStatus.LimitExceeded;
        }

        if (level == 0 || level > depth)
        {
            return WireStatus.Malformed;
        }

        header = new DataTreeLevelHeader(depth, level);
        return WireStatus.Ok;
    }
}
