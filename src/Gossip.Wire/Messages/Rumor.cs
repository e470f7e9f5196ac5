namespace Gossip.Wire;

/// <summary>
/// One user rumor: <c>[origin:u64][generation:u32][sequence:varint][payload:len-prefixed]</c>. (origin, generation,
/// sequence) identifies it cluster-wide: each process of an origin (a generation) numbers its broadcasts from 1, so a
/// restarted origin starts a new sequence that receivers cannot mistake for its old one.
/// A rumor batch is a list (<c>[count:u16]</c> then rumors). The payload is a slice of the frame.
/// </summary>
public readonly ref struct Rumor
{
    /// <summary>Creates a rumor.</summary>
    public Rumor(NodeId origin, uint generation, uint sequence, ReadOnlySpan<byte> payload)
    {
        Origin = origin;
        Generation = generation;
        Sequence = sequence;
        Payload = payload;
    }

    /// <summary>The node that originated the rumor.</summary>
    public NodeId Origin { get; }

    /// <summary>The generation (process) of the originator that broadcast it.</summary>
    public uint Generation { get; }

    /// <summary>The originator's sequence number for it, from 1 within its generation.</summary>
    public uint Sequence { get; }

    /// <summary>Application bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Encoded size in bytes.</summary>
    public int EncodedSize => 12 + VarInt.SizeOf(Sequence) + VarInt.SizeOf((uint)Payload.Length) + Payload.Length;

    /// <summary>Writes the rumor; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(Origin.Value) && writer.TryWriteUInt32(Generation) && writer.TryWriteVarUInt(Sequence) && writer.TryWriteLengthPrefixed(Payload))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a rumor, checking the payload length against <paramref name="limits"/>.</summary>
    public static WireStatus TryRead(ref GossipReader reader, WireLimits limits, out Rumor rumor)
    {
        rumor = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong origin)) != WireStatus.Ok
            || (status = reader.TryReadUInt32(out uint generation)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint sequence)) != WireStatus.Ok
            || (status = reader.TryReadLengthPrefixed(limits.MaxValueBytes, out ReadOnlySpan<byte> payload)) != WireStatus.Ok)
        {
            return status;
        }

        if (origin == 0)
        {
            return WireStatus.Malformed;
        }

        rumor = new Rumor(new NodeId(origin), generation, sequence, payload);
        return WireStatus.Ok;
    }
}
