namespace Gossip.Wire;

/// <summary>The kind of a <see cref="MembershipEvent"/>.</summary>
public enum MembershipEventKind : byte
{
    /// <summary>A node joined (or restarted with a higher generation).</summary>
    Join = 1,
    /// <summary>A node is alive at this incarnation (refutes a suspicion).</summary>
    Alive = 2,
    /// <summary>The reporter suspects the subject at this incarnation.</summary>
    Suspect = 3,
    /// <summary>The subject is declared dead at this incarnation.</summary>
    Dead = 4,
    /// <summary>The subject left gracefully.</summary>
    Leave = 5,
}

/// <summary>
/// A membership change spread as a rumor: <c>[kind:u8][subject:u64][generation:varint][incarnation:varint][reporter:u64][address]</c>.
/// <see cref="Incarnation"/> orders events within one generation; a suspect refutes by raising it.
/// </summary>
public readonly record struct MembershipEvent(MembershipEventKind Kind, NodeId Subject, uint Generation, uint Incarnation, NodeId Reporter, WireAddress Address)
{
    /// <summary>Writes the event; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteByte((byte)Kind) && writer.TryWriteUInt64(Subject.Value) && writer.TryWriteVarUInt(Generation)
            && writer.TryWriteVarUInt(Incarnation) && writer.TryWriteUInt64(Reporter.Value) && Address.TryWrite(ref writer))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads an event.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out MembershipEvent membershipEvent)
    {
        membershipEvent = default;
        WireStatus status;
        if ((status = reader.TryReadByte(out byte kind)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong subject)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint generation)) != WireStatus.Ok
            || (status = reader.TryReadVarUInt32(out uint incarnation)) != WireStatus.Ok
            || (status = reader.TryReadUInt64(out ulong reporter)) != WireStatus.Ok
            || (status = WireAddress.TryRead(ref reader, out WireAddress address)) != WireStatus.Ok)
        {
            return status;
        }

        if (kind is < (byte)MembershipEventKind.Join or > (byte)MembershipEventKind.Leave || subject == 0)
        {
            return WireStatus.Malformed;
        }

        membershipEvent = new MembershipEvent((MembershipEventKind)kind, new NodeId(subject), generation, incarnation, new NodeId(reporter), address);
        return WireStatus.Ok;
    }
}
