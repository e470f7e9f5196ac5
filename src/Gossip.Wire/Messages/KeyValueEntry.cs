using System.Text.Unicode;

namespace Gossip.Wire;

/// <summary>
/// One versioned application-state entry: <c>[version:varint][flags:u8][key:len-prefixed][value:len-prefixed]</c>.
/// Flag bit 0 marks a tombstone (a removed key, whose value is empty). Key and value are slices of the frame.
/// </summary>
public readonly ref struct KeyValueEntry
{
    /// <summary>Creates an entry.</summary>
    public KeyValueEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong version, bool deleted)
    {
        Key = key;
        Value = value;
        Version = version;
        Deleted = deleted;
    }

    /// <summary>UTF-8 key bytes.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Value bytes (empty for a tombstone).</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The owner's version counter for this key; higher wins.</summary>
    public ulong Version { get; }

    /// <summary>True when the key was removed.</summary>
    public bool Deleted { get; }

    /// <summary>Writes the entry; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Version) && writer.TryWriteByte(Deleted ? (byte)1 : (byte)0)
            && writer.TryWriteLengthPrefixed(Key) && writer.TryWriteLengthPrefixed(Value))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an entry, checking key and value lengths against <paramref name="limits"/>.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out KeyValueEntry entry)
    {
        entry = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt(out ulong version)) != WireStatus.Ok
            || (status = reader.TryReadByte(out byte flags)) != WireStatus.Ok
            || (status = reader.TryReadLengthPrefixed(limits.MaxKeyBytes, out ReadOnlySpan<byte> key)) != WireStatus.Ok
            || (status = reader.TryReadLengthPrefixed(limits.MaxValueBytes, out ReadOnlySpan<byte> value)) != WireStatus.Ok)
        {
            return status;
        }

        // Keys are UTF-8 text to the application: a key that is not would decode to replacement characters and
        // re-encode to other bytes (even past the key limit), so it is refused here, with the whole frame.
        if (flags > 1 || key.IsEmpty || version == 0 || (flags == 1 && !value.IsEmpty) || !Utf8.IsValid(key))
        {
            return WireStatus.Malformed;
        }

        entry = new KeyValueEntry(key, value, version, flags == 1);
        return WireStatus.Ok;
    }
}
