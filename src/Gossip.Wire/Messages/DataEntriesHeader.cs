namespace Gossip.Wire;

/// <summary>
/// The head of a <see cref="MessageType.DataEntries"/> section: <c>[flags:u8]</c>, then a counted list of
/// <see cref="DataSubtree"/> and a counted list of <see cref="DataEntry"/>. With no subtrees the entries are writes
/// spreading as rumors. With subtrees they are the sender's entries in those subtrees (a repair); flag bit 0
/// (<see cref="AnswerRequested"/>) asks the receiver to send back its own entries there that are newer or missing.
/// </summary>
public readonly record struct DataEntriesHeader(bool AnswerRequested)
{
    /// <summary>Writes the flags byte; false when it does not fit.</summary>
    public bool TryWrite(ref GossipWriter writer) => writer.TryWriteByte(AnswerRequested ? (byte)1 : (byte)0);

    /// <summary>Reads the flags byte; unknown flag bits are refused.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out DataEntriesHeader header)
    {
        header = default;
        WireStatus status = reader.TryReadByte(out byte flags);
        if (status != WireStatus.Ok)
        {
            return status;
        }

        if (flags > 1)
        {
            return WireStatus.Malformed;
        }

        header = new DataEntriesHeader(flags == 1);
        return WireStatus.Ok;
    }
}
