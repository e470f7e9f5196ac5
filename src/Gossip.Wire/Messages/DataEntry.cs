namespace Gossip.Wire;

/// <summary>
/// One entry of the replicated map: <c>[key:len-prefixed][stamp:u64][origin:u64][flags:u8][value:len-prefixed]</c>.
/// <see cref="Stamp"/> is the writer's hybrid logical clock (milliseconds since the Unix epoch in the high 48 bits, a
/// logical counter in the low 16); (stamp, origin) orders writes of a key, the higher wins. Flag bit 0 marks a
/// tombstone (a removed key, whose value is empty). Key and value are slices of the frame.
/// </summary>
public readonly ref struct DataEntry
{
    /// <summary>Creates an entry.</summary>
    public DataEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong stamp, NodeId origin, bool deleted)
    {
        Key = key;
        Value = value;
        Stamp = stamp;
        Origin = origin;
        Deleted = deleted;
    }

    /// <summary>Key bytes (never empty).</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Value bytes (empty for a tombstone).</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The writer's hybrid-logical-clock stamp.</summary>
    public ulong Stamp { get; }

    /// <summary>The node that wrote this version (breaks ties between equal stamps).</summary>
    public NodeId Origin { get; }

    /// <summary>True when the key was removed.</summary>
    public bool Deleted { get; }

    /// <summary>Encoded size in bytes.</summary>
    public int EncodedSize => 17 + VarInt.SizeOf((uint)Key.Length) + Key.Length + VarInt.SizeOf((uint)Value.Length) + Value.Length;

    /// <summary>Writes the entry; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteLengthPrefixed(Key) && writer.TryWriteUInt64(Stamp) && writer.TryWriteUInt64(Origin.Value)
            && writer.TryWriteByte(Deleted ? (byte)1 : (byte)0) && writer.TryWriteLengthPrefixed(Value))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an entry, checking key and value lengths against <paramref name="limits"/>.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out DataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(limits);
        entry = default;
        WireStatus status;
        if ((status = reader.TryReadLengthPrefixed(limits.MaxKeyBytes, out ReadOnlySpan<byte> key)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong stamp)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong origin)) != WireStatus.Ok
            || (status = reader.TryReadByte(out byte flags)) != WireStatus.Ok
            || (status = reader.TryReadLengthPrefixed(limits.MaxValueBytes, out ReadOnlySpan<byte> value)) != WireStatus.Ok)
        {
            return status;
        }

        if (key.IsEmpty || stamp == 0 || origin == 0 || flags > 1 || (flags == 1 && !value.IsEmpty))
        {
            return WireStatus.Malformed;
        }

        entry = new DataEntry(key, value, stamp, new NodeId(origin), flags == 1);
        return WireStatus.Ok;
    }
}
