namespace Gossip.Wire;

/// <summary>
/// Walks a whole frame body, every section and every item, against the limits, before the engine applies
/// any of it: a frame that is bad anywhere is dropped whole and changes nothing. Allocation-free.
/// </summary>
public static class BodyValidator
{
    /// <summary>Checks every section of a body; <see cref="WireStatus.Ok"/> means the engine may read it without further checks failing.</summary>
    public static WireStatus Validate(MessageType frameType, ReadOnlySpan<byte> body, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var sections = new SectionReader(frameType, body, limits);
        while (true)
        {
            WireStatus status = sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done);
            if (done)
            {
                return WireStatus.Ok;
            }

            if (status != WireStatus.Ok || (status = ValidateSection(type, payload, limits)) != WireStatus.Ok)
            {
                return status;
            }
        }
    }

    /// <summary>Checks one section payload of the given type; it must be consumed exactly.</summary>
    public static WireStatus ValidateSection(MessageType type, ReadOnlySpan<byte> payload, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var reader = new GossipReader(payload);
        WireStatus status = type switch
        {
            MessageType.Ping => Ping.TryRead(ref reader, out _),
            MessageType.Ack => Ack.TryRead(ref reader, out _),
            MessageType.PingReq => PingReq.TryRead(ref reader, out _),
            MessageType.DigestSyn => SkipDigest(ref reader, limits),
            MessageType.DigestAck => SkipDigestThenDeltas(ref reader, limits),
            MessageType.DigestAck2 => SkipDeltas(ref reader, limits),
            MessageType.Rumors => SkipRumors(ref reader, limits),
            MessageType.Membership => SkipEvents(ref reader, limits),
            MessageType.Aggregation => AggregateShare.TryRead(ref reader, out _),
            MessageType.MerkleRanges => SkipRanges(ref reader, limits),
            MessageType.RumorPull => RumorPull.TryRead(ref reader, out _),
            MessageType.RelayedAck => RelayedAck.TryRead(ref reader, out _),
            MessageType.Nack => Nack.TryRead(ref reader, out _),
            MessageType.BroadcastFrontier => SkipFrontier(ref reader, limits),
            MessageType.BroadcastRepairs => SkipRumors(ref reader, limits),
            MessageType.DataEntries => SkipDataEntries(ref reader, limits),
            MessageType.DataTreeLevel => SkipDataTreeLevel(ref reader, limits),
            _ => WireStatus.Malformed,
        };
        if (status == WireStatus.Ok && !reader.End)
        {
            status = WireStatus.Malformed;
        }

        return status;
    }

    private static WireStatus SkipDigestThenDeltas(ref GossipReader reader, WireLimits limits)
    {
        WireStatus status = SkipDigest(ref reader, limits);
        return status != WireStatus.Ok ? status : SkipDeltas(ref reader, limits);
    }

    /// <summary>Skips a digest list: <c>[count:u16]</c> then <see cref="DigestEntry"/> items.</summary>
    public static WireStatus SkipDigest(ref GossipReader reader, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        WireStatus status = reader.TryReadCount(limits.MaxListCount, out int count);
        for (int i = 0; status == WireStatus.Ok && i < count; i++)
        {
            status = DigestEntry.TryRead(ref reader, out _);
        }

        return status;
    }

    /// <summary>Skips a delta list: <c>[count:u16]</c> then per node a <see cref="NodeStateHeader"/> and a list of <see cref="KeyValueEntry"/>.</summary>
    public static WireStatus SkipDeltas(ref GossipReader reader, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        WireStatus status = reader.TryReadCount(limits.MaxListCount, out int nodes);
        for (int i = 0; status == WireStatus.Ok && i < nodes; i++)
        {
            if ((status = NodeStateHeader.TryRead(ref reader, out _)) != WireStatus.Ok
                || (status = reader.TryReadCount(limits.MaxListCount, out int entries)) != WireStatus.Ok)
            {
                return status;
            }

            for (int j = 0; status == WireStatus.Ok && j < entries; j++)
            {
                status = KeyValueEntry.TryRead(ref reader, limits, out _);
            }
        }

        return status;
    }

    private static WireStatus SkipRumors(ref GossipReader reader, WireLimits limits)
    {
        WireStatus status = reader.TryReadCount(limits.MaxListCount, out int count);
        for (int i = 0; status == WireStatus.Ok && i < count; i++)
        {
            status = Rumor.TryRead(ref reader, limits, out _);
        }

        return status;
    }

    private static WireStatus SkipFrontier(ref GossipReader reader, WireLimits limits)
    {
        WireStatus status = reader.TryReadByte(out byte flags);
        if (status == WireStatus.Ok && (flags & ~FrontierEntry.KnownFlags) != 0)
        {
            return WireStatus.Malformed;
        }

        if (status == WireStatus.Ok)
        {
            status = reader.TryReadCount(limits.MaxListCount, out int count);
            for (int i = 0; status == WireStatus.Ok && i < count; i++)
            {
                status = FrontierEntry.TryRead(ref reader, out _);
            }
        }

        return status;
    }

    private static WireStatus SkipEvents(ref GossipReader reader, WireLimits limits)
    {
        WireStatus status = reader.TryReadCount(limits.MaxListCount, out int count);
        for (int i = 0; status == WireStatus.Ok && i < count; i++)
        {
            status = MembershipEvent.TryRead(ref reader, out _);
        }

        return status;
    }

    /// <summary>Skips a <see cref="MessageType.DataEntries"/> payload: flags, subtrees, entries.</summary>
    public static WireStatus SkipDataEntries(ref GossipReader reader, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        WireStatus status = DataEntriesHeader.TryRead(ref reader, out _);
        if (status == WireStatus.Ok)
        {
            status = reader.TryReadCount(limits.MaxListCount, out int subtrees);
            for (int i = 0; status == WireStatus.Ok && i < subtrees; i++)
            {
                status = DataSubtree.TryRead(ref reader, limits, out _);
            }
        }

        if (status == WireStatus.Ok)
        {
            status = reader.TryReadCount(limits.MaxListCount, out int entries);
            for (int i = 0; status == WireStatus.Ok && i < entries; i++)
            {
                status = DataEntry.TryRead(ref reader, limits, out _);
            }
        }

        return status;
    }

    /// <summary>Skips a <see cref="MessageType.DataTreeLevel"/> payload: depth and level, then the children items.</summary>
    public static WireStatus SkipDataTreeLevel(ref GossipReader reader, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        WireStatus status = DataTreeLevelHeader.TryRead(ref reader, limits, out DataTreeLevelHeader header);
        if (status == WireStatus.Ok)
        {
            status = reader.TryReadCount(limits.MaxListCount, out int count);
            for (int i = 0; status == WireStatus.Ok && i < count; i++)
            {
                status = DataTreeChildren.TryRead(ref reader, header.Level - 1, out _);
            }
        }

        return status;
    }

    private static WireStatus SkipRanges(ref GossipReader reader, WireLimits limits)
    {
        WireStatus status = reader.TryReadCount(limits.MaxListCount, out int count);
        for (int i = 0; status == WireStatus.Ok && i < count; i++)
        {
            status = MerkleRange.TryRead(ref reader, limits, out _);
        }

        return status;
    }
}
