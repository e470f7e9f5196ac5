namespace Gossip.Wire.Tests;

/// <summary>One fixed example of every message, shared by the golden-vector, allocation and fuzz tests.</summary>
internal static class Samples
{
    public static readonly WireAddress Address4 = WireAddress.FromBytes([127, 0, 0, 1], 7946);
    public static readonly WireAddress Address6 = WireAddress.FromBytes([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 7947);
    public static readonly NodeId Sender = new(0x0102030405060708);

    /// <summary>The node test frames are sealed for (bound into the associated data of encrypted frames).</summary>
    public static readonly NodeId Receiver = new(0x1112131415161718);

    public static readonly Ping Ping = new(300, 1_000);
    public static readonly Ack Ack = new(300, 1_001, 0xAABBCCDD, 0x11223344);
    public static readonly RelayedAck RelayedAck = new(300, new NodeId(0x1122334455667788), 1_001);
    public static readonly Nack Nack = new(300, new NodeId(0x1122334455667788));
    public static readonly PingReq PingReq = new(7, new NodeId(0x99), Address4);
    public static readonly DigestEntry Digest = new(new NodeId(0x42), 1_700_000_000, MemberStatus.Suspect, 12_345, 17);
    public static readonly NodeStateHeader StateHeader = new(new NodeId(0x42), 1_700_000_000, MemberStatus.Alive, 12_345, Address6);
    public static readonly MembershipEvent Event = new(MembershipEventKind.Dead, new NodeId(0x42), 1_700_000_000, 3, new NodeId(0x43), Address4);
    public static readonly AggregateShare Share = new(5, 10.5, 0.5, 0.25, 0.125, -1, 99);
    public static readonly MerkleRange Range = new(0, ulong.MaxValue, 0, 128, 0xDEADBEEF);
    public static readonly RumorPull Pull = new(0x0F0F0F0F0F0F0F0F, 1_400);

    /// <summary>Writes every message type as the sections of one compound body; returns the body length.</summary>
    public static int WriteCompound(Span<byte> body)
    {
        var writer = new GossipWriter(body);
        var sections = new SectionWriter();
        sections.TryBegin(ref writer, MessageType.Ping);
        Ping.TryWrite(ref writer);
        sections.End(ref writer);
        sections.TryBegin(ref writer, MessageType.Membership);
        ListWriter.TryBegin(ref writer, out ListWriter events);
        Event.TryWrite(ref writer);
        events.Add();
        events.End(ref writer);
        sections.End(ref writer);
        sections.TryBegin(ref writer, MessageType.Rumors);
        ListWriter.TryBegin(ref writer, out ListWriter rumors);
        new Rumor(Sender, 3, 9, "hi"u8).TryWrite(ref writer);
        rumors.Add();
        rumors.End(ref writer);
        sections.End(ref writer);
        return writer.Position;
    }

    /// <summary>An ACK body: one request, one delta of one key.</summary>
    public static int WriteDigestAck(Span<byte> body)
    {
        var writer = new GossipWriter(body);
        ListWriter.TryBegin(ref writer, out ListWriter requests);
        Digest.TryWrite(ref writer);
        requests.Add();
        requests.End(ref writer);
        ListWriter.TryBegin(ref writer, out ListWriter deltas);
        StateHeader.TryWrite(ref writer);
        ListWriter.TryBegin(ref writer, out ListWriter entries);
        new KeyValueEntry("k"u8, "v"u8, 17, deleted: false).TryWrite(ref writer);
        entries.Add();
        entries.End(ref writer);
        deltas.Add();
        deltas.End(ref writer);
        return writer.Position;
    }
}
