using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// Decoding helpers for the failure-detector and membership tests: the probes and membership events in a sent frame,
/// the events a node has queued for piggybacking, the notifications it raised, and frame headers as a peer would send them.
/// </summary>
internal static class ComponentHarnessMembershipExtensions
{
    /// <summary>The frames sent to <paramref name="destination"/>, in order.</summary>
    public static List<SentFrame> SentTo(this ComponentHarness harness, WireAddress destination) =>
        harness.Transport.Sent.Where(frame => frame.Destination == destination).ToList();

    /// <summary>The payloads of the sections of <paramref name="type"/> in a sent frame.</summary>
    public static List<byte[]> SectionsOf(this ComponentHarness harness, SentFrame frame, MessageType type) =>
        harness.Sections(frame).Where(section => section.Type == type).Select(section => section.Payload).ToList();

    /// <summary>True when the frame carries a section of <paramref name="type"/>.</summary>
    public static bool Carries(this ComponentHarness harness, SentFrame frame, MessageType type) =>
        harness.SectionsOf(frame, type).Count > 0;

    /// <summary>The one Ping of a sent frame.</summary>
    public static Ping PingIn(this ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(Assert.Single(harness.SectionsOf(frame, MessageType.Ping)));
        Assert.Equal(WireStatus.Ok, Ping.TryRead(ref reader, out Ping ping));
        return ping;
    }

    /// <summary>The one Ack of a sent frame.</summary>
    public static Ack AckIn(this ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(Assert.Single(harness.SectionsOf(frame, MessageType.Ack)));
        Assert.Equal(WireStatus.Ok, Ack.TryRead(ref reader, out Ack ack));
        return ack;
    }

    /// <summary>The one PingReq of a sent frame.</summary>
    public static PingReq PingReqIn(this ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(Assert.Single(harness.SectionsOf(frame, MessageType.PingReq)));
        Assert.Equal(WireStatus.Ok, PingReq.TryRead(ref reader, out PingReq request));
        return request;
    }

    /// <summary>The one RelayedAck of a sent frame.</summary>
    public static RelayedAck RelayedAckIn(this ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(Assert.Single(harness.SectionsOf(frame, MessageType.RelayedAck)));
        Assert.Equal(WireStatus.Ok, RelayedAck.TryRead(ref reader, out RelayedAck ack));
        return ack;
    }

    /// <summary>The one Nack of a sent frame.</summary>
    public static Nack NackIn(this ComponentHarness harness, SentFrame frame)
    {
        var reader = new GossipReader(Assert.Single(harness.SectionsOf(frame, MessageType.Nack)));
        Assert.Equal(WireStatus.Ok, Nack.TryRead(ref reader, out Nack nack));
        return nack;
    }

    /// <summary>The membership events of every Membership section of a sent frame.</summary>
    public static List<MembershipEvent> EventsIn(this ComponentHarness harness, SentFrame frame)
    {
        var events = new List<MembershipEvent>();
        foreach (byte[] payload in harness.SectionsOf(frame, MessageType.Membership))
        {
            events.AddRange(ReadEvents(payload, harness.Codec.Limits));
        }

        return events;
    }

    /// <summary>
    /// Every membership event queued for piggybacking, each once, in the order first written; the queue is left empty
    /// (each event is written until its transmit budget is spent), so a later call shows only what was queued since.
    /// </summary>
    public static List<MembershipEvent> TakeQueuedEvents(this ComponentHarness harness)
    {
        var events = new List<MembershipEvent>();
        byte[] buffer = new byte[harness.Frames.DatagramBodyBytes];
        for (int pass = 0; pass < 10_000; pass++)
        {
            var writer = new GossipWriter(buffer);
            var sections = new SectionWriter();
            harness.Spread.WritePiggyback(ref writer, ref sections, rumors: false);
            if (sections.Count == 0)
            {
                return events;
            }

            var reader = new SectionReader(MessageType.Compound, writer.Written, harness.Codec.Limits);
            while (reader.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
            {
                if (type == MessageType.Membership)
                {
                    foreach (MembershipEvent e in ReadEvents(payload.ToArray(), harness.Codec.Limits))
                    {
                        if (!events.Contains(e))
                        {
                            events.Add(e);
                        }
                    }
                }
            }
        }

        throw new InvalidOperationException("The event queue never emptied.");
    }

    /// <summary>The notifications raised for the application since the last call.</summary>
    public static List<GossipEvent> TakeNotifications(this ComponentHarness harness)
    {
        var notifications = new List<GossipEvent>();
        while (harness.Events.Reader.TryRead(out GossipEvent notification))
        {
            notifications.Add(notification);
        }

        return notifications;
    }

    /// <summary>The header of a frame sent by member <paramref name="senderId"/> at <paramref name="generation"/>.</summary>
    public static FrameHeader HeaderFrom(this ComponentHarness harness, ulong senderId, MessageType type, uint generation = 1) =>
        new(type, FrameFlags.None, harness.Options.ClusterId, new NodeId(senderId), generation);

    /// <summary>Checks the table's hash and live count against a recount over its members.</summary>
    public static void AssertTableConsistent(this ComponentHarness harness)
    {
        MemberTable table = harness.Members.Table;
        ulong hash = 0;
        int live = 0;
        for (int i = 0; i < table.Count; i++)
        {
            Member member = table[i];
            if (member.IsLive)
            {
                hash ^= MemberTable.MemberHash(member.Id, member.Generation, member.MaxVersion);
                live++;
            }
        }

        Assert.Equal(live, table.LiveCount);
        Assert.Equal(hash, table.Hash);
    }

    private static List<MembershipEvent> ReadEvents(byte[] payload, WireLimits limits)
    {
        var events = new List<MembershipEvent>();
        var reader = new GossipReader(payload);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, MembershipEvent.TryRead(ref reader, out MembershipEvent e));
            events.Add(e);
        }

        return events;
    }
}
