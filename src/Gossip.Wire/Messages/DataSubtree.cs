namespace Gossip.Wire;

/// <summary>
/// A subtree of the replicated map's hash tree: <c>[level:u8][index:varint]</c>. The tree has fan-out 16: the node at
/// <see cref="Level"/> k and <see cref="Index"/> i covers the keys whose 64-bit key hash starts with the 4k bits of i,
/// so i is below 16^k. Level 0 is the root.
/// </summary>
public readonly record struct DataSubtree(byte Level, ulong Index)
{
    /// <summary>Deepest level a subtree may name: 16 nibbles of a 64-bit hash.</summary>
    public const int MaxLevel = 16;

    /// <summary>True when <paramref name="index"/> is a node of level <paramref name="level"/> (below 16^level).</summary>
    public static bool IsValid(int level, ulong index) => level is >= 0 and <= MaxLevel && (level == MaxLevel || index >> (4 * level) == 0);

    /// <summary>Writes the subtree; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteByte(Level) && writer.TryWriteVarUInt(Index))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a subtree; a level over <see cref="WireLimits.MaxMerkleDepth"/> or an index outside its level is refused.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out DataSubtree subtree)
    {
        ArgumentNullException.ThrowIfNull(limits);
        subtree = default;
        WireStatus status;
        if ((status = reader.TryReadByte(out byte level)) != WireStatus.Ok || (status = reader.TryReadVarUInt(out ulong index)) != WireStatus.Ok)
        {
            return status;
        }

        if (level > limits.MaxMerkleDepth)
        {
            return WireStatus.LimitExceeded;
        }

        if (!IsValid(level, index))
        {
            return WireStatus.Malformed;
        }

        subtree = new DataSubtree(level, index);
        return WireStatus.Ok;
    }
}
