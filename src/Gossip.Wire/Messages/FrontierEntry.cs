namespace Gossip.Wire;

/// <summary>
/// How far one node has delivered one origin's broadcasts: <c>[origin:u64][generation:u32][frontier:varint][floor:varint]</c>.
/// <see cref="Frontier"/> is the highest sequence delivered with every lower one delivered too; <see cref="Floor"/> the
/// lowest sequence the sender still retains and can resend (<see cref="Frontier"/> + 1 when it retains none). A
/// <see cref="MessageType.BroadcastFrontier"/> section is <c>[flags:u8][count:u16]</c> then entries.
/// </summary>
public readonly record struct FrontierEntry(NodeId Origin, uint Generation, uint Frontier, uint Floor)
{
    /// <summary>Section flag: the list names every stream the sender tracks (a stream left out is one it has not heard of).</summary>
    public const byte Complete = 1;

    /// <summary>Section flag: the list answers a request (it is not itself a request to be answered).</summary>
    public const byte Answer = 2;

    /// <summary>Every flag bit a receiver accepts.</summary>
    public const byte KnownFlags = Complete | Answer;

    /// <summary>Writes the entry; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteUInt64(Origin.Value) && writer.TryWriteUInt32(Generation) && writer.TryWriteVarUInt(Frontier) && writer.TryWriteVarUInt(Floor))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an entry; an origin of 0 is malformed.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out FrontierEntry entry)
    {
        entry = default;
        WireStatus status;
        if ((status = reader.TryReadUInt64(out ulong origin)) != WireStatus.Ok
            || (status = reader.TryReadUInt32(out uint generation)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint frontier)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint floor)) != WireStatus.Ok)
        {
            return status;
        }

        if (origin == 0)
        {
            return WireStatus.Malformed;
        }

        entry = new FrontierEntry(new NodeId(origin), generation, frontier, floor);
        return WireStatus.Ok;
    }
}
