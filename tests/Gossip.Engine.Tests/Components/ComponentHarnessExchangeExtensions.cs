using System.Text;
using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>One member's delta as read back from a deltas list: its header and its entries (key, version) in wire order.</summary>
internal sealed record DecodedDelta(NodeStateHeader Header, List<(string Key, ulong Version, byte[] Value)> Entries);

/// <summary>
/// Helpers for tests that let two harnesses talk (what one sent is handed to the other's components, as
/// <see cref="GossipNode"/> dispatches it) and that build or read the payloads of single sections.
/// </summary>
internal static class ComponentHarnessExchangeExtensions
{
    /// <summary>Takes (and forgets) everything the harness sent so far.</summary>
    public static List<SentFrame> TakeSent(this ComponentHarness harness)
    {
        var sent = new List<SentFrame>(harness.Transport.Sent);
        harness.Transport.Sent.Clear();
        return sent;
    }

    /// <summary>The payload of the one section of <paramref name="type"/> in a sent frame; fails when there is none or several.</summary>
    public static byte[] Section(this ComponentHarness reader, SentFrame frame, MessageType type) =>
        Assert.Single(reader.Sections(frame), s => s.Type == type).Payload;

    /// <summary>True when the sent frame carries a section of <paramref name="type"/>.</summary>
    public static bool Has(this ComponentHarness reader, SentFrame frame, MessageType type) =>
        reader.Sections(frame).Exists(s => s.Type == type);

    /// <summary>
    /// Hands a frame <paramref name="from"/> sent to this harness's components, section by section, as the node's
    /// dispatch does for the anti-entropy, rumor and aggregation sections (the reply address is the sender's). A large
    /// frame came over a stream (the sender's own, or back on the receiver's): answers to it go back on that stream.
    /// </summary>
    public static void Receive(this ComponentHarness to, ComponentHarness from, SentFrame frame)
    {
        WireAddress replyTo = from.Transport.LocalAddress;
        var origin = new FrameOrigin(from.Self.Id, from.Self.Generation, replyTo, frame.Large, replyTo);
        if (frame.Large)
        {
            to.Frames.AnswerOnStream(replyTo, replyTo);
        }

        try
        {
            Dispatch(to, frame, origin, replyTo);
        }
        finally
        {
            to.Frames.EndGuard();
        }
    }

    private static void Dispatch(ComponentHarness to, SentFrame frame, in FrameOrigin origin, WireAddress replyTo)
    {
        MerkleRange range = default;
        MerkleRange rest = default;
        foreach ((MessageType type, byte[] payload) in to.Sections(frame))
        {
            var reader = new GossipReader(payload);
            switch (type)
            {
                case MessageType.MerkleRanges:
                    DigestExchange.ReadRanges(ref reader, to.Node.Limits, out range, out rest);
                    break;
                case MessageType.DigestSyn:
                    to.Exchange.OnSyn(origin, range, rest, payload);
                    break;
                case MessageType.DigestAck:
                    to.Exchange.OnAck(origin, range, payload);
                    break;
                case MessageType.DigestAck2:
                    to.Exchange.OnAck2(payload, origin);
                    break;
                case MessageType.Membership:
                    to.Rules.OnMembership(ref reader, origin);
                    break;
                case MessageType.Rumors:
                    to.Spread.OnRumors(ref reader);
                    break;
                case MessageType.RumorPull:
                    _ = RumorPull.TryRead(ref reader, out RumorPull pull);
                    to.Spread.OnRumorPull(pull, replyTo, origin.Sender);
                    break;
                case MessageType.Aggregation:
                    _ = AggregateShare.TryRead(ref reader, out AggregateShare share);
                    to.Aggregation.Receive(share);
                    break;
                default:
                    throw new InvalidOperationException($"no dispatch for {type} in this helper");
            }
        }
    }

    /// <summary>Sends everything <paramref name="from"/> sent so far to <paramref name="to"/>; returns how many frames.</summary>
    public static int DeliverAll(this ComponentHarness from, ComponentHarness to)
    {
        List<SentFrame> sent = from.TakeSent();
        foreach (SentFrame frame in sent)
        {
            to.Receive(from, frame);
        }

        return sent.Count;
    }

    /// <summary>Runs SYN, ACK, ACK2 (and the sweeps the ACKs ask for) between an initiator and a responder until neither has anything left to send.</summary>
    public static void Reconcile(this ComponentHarness initiator, ComponentHarness responder, int maxExchanges = 64)
    {
        initiator.Exchange.SendSyncRequest(responder.Transport.LocalAddress, responder.Self.Id);
        for (int i = 0; i < maxExchanges; i++)
        {
            int forward = initiator.DeliverAll(responder);
            int back = responder.DeliverAll(initiator);
            if (forward + back == 0)
            {
                return;
            }
        }

        Assert.Fail("the exchange did not settle");
    }

    /// <summary>Sets a state entry of a member at a version (as a merged delta would).</summary>
    public static void SetState(this ComponentHarness harness, Member member, string key, ulong version, string? value = null) =>
        harness.Members.SetEntry(member, key, new StateEntry(Encoding.UTF8.GetBytes(value ?? $"{key}@{version}"), version, Deleted: false));

    /// <summary>The ranges of a MerkleRanges section.</summary>
    public static List<MerkleRange> ReadRanges(byte[] payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        var ranges = new List<MerkleRange>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, MerkleRange.TryRead(ref reader, limits, out MerkleRange range));
            ranges.Add(range);
        }

        return ranges;
    }

    /// <summary>The entries of a digest list (a DigestSyn, or an ACK's requests).</summary>
    public static List<DigestEntry> ReadDigest(ReadOnlySpan<byte> payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        return ReadDigest(ref reader, limits);
    }

    /// <summary>An ACK's DigestAck section: its requests, then its deltas.</summary>
    public static (List<DigestEntry> Requests, List<DecodedDelta> Deltas) ReadAck(byte[] payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        List<DigestEntry> requests = ReadDigest(ref reader, limits);
        List<DecodedDelta> deltas = ReadDeltas(ref reader, limits);
        Assert.True(reader.End);
        return (requests, deltas);
    }

    /// <summary>A deltas list (an ACK2, or the second half of an ACK).</summary>
    public static List<DecodedDelta> ReadDeltas(byte[] payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        List<DecodedDelta> deltas = ReadDeltas(ref reader, limits);
        Assert.True(reader.End);
        return deltas;
    }

    /// <summary>The events of a Membership section.</summary>
    public static List<MembershipEvent> ReadEvents(byte[] payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        var events = new List<MembershipEvent>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, MembershipEvent.TryRead(ref reader, out MembershipEvent e));
            events.Add(e);
        }

        return events;
    }

    /// <summary>The rumor ids of a Rumors section.</summary>
    public static List<RumorId> ReadRumorIds(byte[] payload, WireLimits limits)
    {
        var reader = new GossipReader(payload);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        var ids = new List<RumorId>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, Rumor.TryRead(ref reader, limits, out Rumor rumor));
            ids.Add(new RumorId(rumor.Origin, rumor.Sequence, rumor.Generation));
        }

        return ids;
    }

    /// <summary>A digest list payload (<c>[count]</c> then entries), as a SYN's DigestSyn section carries it.</summary>
    public static byte[] DigestPayload(params DigestEntry[] entries)
    {
        byte[] buffer = new byte[16 + (entries.Length * 32)];
        var writer = new GossipWriter(buffer);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        foreach (DigestEntry entry in entries)
        {
            Assert.True(entry.TryWrite(ref writer));
            list.Add();
        }

        list.End(ref writer);
        return writer.Written.ToArray();
    }

    /// <summary>A deltas list payload with one member: its header and entries (key, version).</summary>
    public static byte[] DeltaPayload(NodeStateHeader header, params (string Key, ulong Version)[] entries)
    {
        byte[] buffer = new byte[4096];
        var writer = new GossipWriter(buffer);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter deltas));
        Assert.True(header.TryWrite(ref writer));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        foreach ((string key, ulong version) in entries)
        {
            Assert.True(new KeyValueEntry(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{key}@{version}"), version, deleted: false).TryWrite(ref writer));
            list.Add();
        }

        list.End(ref writer);
        deltas.Add();
        deltas.End(ref writer);
        return writer.Written.ToArray();
    }

    /// <summary>A Rumors section payload.</summary>
    public static byte[] RumorsPayload(params (RumorId Id, byte[] Payload)[] rumors)
    {
        byte[] buffer = new byte[4096];
        var writer = new GossipWriter(buffer);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        foreach ((RumorId id, byte[] payload) in rumors)
        {
            Assert.True(new Rumor(id.Origin, id.Generation, id.Sequence, payload).TryWrite(ref writer));
            list.Add();
        }

        list.End(ref writer);
        return writer.Written.ToArray();
    }

    /// <summary>The sections of a Compound body (as an ACK or a piggyback is written before it is sealed).</summary>
    public static List<(MessageType Type, byte[] Payload)> ReadCompound(ReadOnlySpan<byte> body, WireLimits limits)
    {
        Assert.Equal(WireStatus.Ok, BodyValidator.Validate(MessageType.Compound, body, limits));
        var sections = new SectionReader(MessageType.Compound, body, limits);
        var result = new List<(MessageType, byte[])>();
        while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
        {
            result.Add((type, payload.ToArray()));
        }

        return result;
    }

    /// <summary>The application notifications queued so far (drains them).</summary>
    public static List<GossipEvent> DrainEvents(this NodeEvents events)
    {
        var drained = new List<GossipEvent>();
        while (events.Reader.TryRead(out GossipEvent e))
        {
            drained.Add(e);
        }

        return drained;
    }

    private static List<DigestEntry> ReadDigest(ref GossipReader reader, WireLimits limits)
    {
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        var entries = new List<DigestEntry>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, DigestEntry.TryRead(ref reader, out DigestEntry entry));
            entries.Add(entry);
        }

        return entries;
    }

    private static List<DecodedDelta> ReadDeltas(ref GossipReader reader, WireLimits limits)
    {
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int count));
        var deltas = new List<DecodedDelta>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, NodeStateHeader.TryRead(ref reader, out NodeStateHeader header));
            Assert.Equal(WireStatus.Ok, reader.TryReadCount(limits.MaxListCount, out int entries));
            var delta = new DecodedDelta(header, []);
            for (int j = 0; j < entries; j++)
            {
                Assert.Equal(WireStatus.Ok, KeyValueEntry.TryRead(ref reader, limits, out KeyValueEntry entry));
                delta.Entries.Add((Encoding.UTF8.GetString(entry.Key), entry.Version, entry.Value.ToArray()));
            }

            deltas.Add(delta);
        }

        return deltas;
    }
}
