using System.Buffers;
using System.Text;
using Gossip.Wire;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// Turns a frame on the simulated wire into words for the replay log: its sections, with membership notices spelled
/// out (<c>Ping, Membership[Suspect n4 inc 0 by n1]</c>). Decodes a copy, so the frame in flight is untouched; an
/// encrypted frame is opened with every key the run has used.
/// </summary>
internal sealed class FrameDescriber(Func<NodeId, string> name)
{
    private FrameCodec _codec = new(1, null, WireLimits.Stream);

    /// <summary>
    /// Every key the run has used (encrypted runs); frames are opened with it. No replay windows: the describer sees
    /// every frame on the wire, duplicates included, and must describe each one.
    /// </summary>
    public KeyRing? Keys
    {
        set => _codec = new FrameCodec(1, value, WireLimits.Stream, replaySenders: 0);
    }

    /// <summary>The frame's sections in words; an encrypted frame is opened as <paramref name="receiver"/> would open it (it is bound to its receiver).</summary>
    public string Describe(ReadOnlySpan<byte> frame, NodeId receiver)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(frame.Length);
        try
        {
            frame.CopyTo(copy);
            WireStatus status = _codec.Open(copy.AsSpan(0, frame.Length), receiver, out FrameHeader header, out ReadOnlySpan<byte> body);
            if (status != WireStatus.Ok)
            {
                return $"undecodable ({status})";
            }

            var text = new StringBuilder();
            var sections = new SectionReader(header.Type, body, WireLimits.Stream);
            while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
            {
                if (text.Length > 0)
                {
                    text.Append(", ");
                }

                text.Append(type);
                if (type == MessageType.Membership)
                {
                    AppendNotices(text, payload);
                }
                else if (type is MessageType.DigestAck or MessageType.DigestAck2)
                {
                    AppendDeltas(text, payload, skipDigest: type == MessageType.DigestAck);
                }
            }

            return text.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Deltas spelled out: <c>[n7 gen 1 Alive: k2 v1, k0 v2]</c>, so a replay shows how state travelled.</summary>
    private void AppendDeltas(StringBuilder text, ReadOnlySpan<byte> payload, bool skipDigest)
    {
        var reader = new GossipReader(payload);
        if ((skipDigest && BodyValidator.SkipDigest(ref reader, WireLimits.Stream) != WireStatus.Ok)
            || reader.TryReadCount(WireLimits.Stream.MaxListCount, out int nodes) != WireStatus.Ok)
        {
            return;
        }

        text.Append('[');
        for (int i = 0; i < nodes && NodeStateHeader.TryRead(ref reader, out NodeStateHeader header) == WireStatus.Ok; i++)
        {
            if (reader.TryReadCount(WireLimits.Stream.MaxListCount, out int entries) != WireStatus.Ok)
            {
                break;
            }

            text.Append(i > 0 ? "; " : "").Append(name(header.Node)).Append(" gen ").Append(header.Generation).Append(' ').Append(header.Status);
            if (header.From > 0)
            {
                text.Append(" above v").Append(header.From);
            }

            for (int j = 0; j < entries && KeyValueEntry.TryRead(ref reader, WireLimits.Stream, out KeyValueEntry entry) == WireStatus.Ok; j++)
            {
                text.Append(j == 0 ? ": " : ", ").Append(Encoding.UTF8.GetString(entry.Key)).Append(" v").Append(entry.Version).Append(entry.Deleted ? " removed" : "");
            }
        }

        text.Append(']');
    }

    private void AppendNotices(StringBuilder text, ReadOnlySpan<byte> payload)
    {
        var reader = new GossipReader(payload);
        if (reader.TryReadCount(WireLimits.Stream.MaxListCount, out int count) != WireStatus.Ok)
        {
            return;
        }

        text.Append('[');
        for (int i = 0; i < count && MembershipEvent.TryRead(ref reader, out MembershipEvent e) == WireStatus.Ok; i++)
        {
            text.Append(i > 0 ? "; " : "").Append(e.Kind).Append(' ').Append(name(e.Subject))
                .Append(" gen ").Append(e.Generation).Append(" inc ").Append(e.Incarnation).Append(" by ").Append(name(e.Reporter));
        }

        text.Append(']');
    }
}
