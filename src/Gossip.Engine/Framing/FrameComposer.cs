using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Framing;

/// <summary>
/// Writes and sends every frame a node sends. A frame is a Compound of sections (a primary message plus piggyback)
/// written straight into the node's one datagram buffer, or into a lazily made large buffer for answers that go over
/// the transport's stream channel. A frame with one section travels as a plain frame of that section's type.
/// </summary>
internal sealed class FrameComposer
{
    private readonly FrameCodec _codec;
    private readonly ITransport _transport;
    private readonly WireLimits _limits;
    private readonly NodeCounters _counters;
    private readonly NodeId _id;
    private readonly uint _generation;
    private readonly byte[] _datagram;
    private byte[]? _large;

    public FrameComposer(FrameCodec codec, ITransport transport, WireLimits limits, int maxDatagramBytes, NodeCounters counters, NodeId id, uint generation)
    {
        _codec = codec;
        _transport = transport;
        _limits = limits;
        _counters = counters;
        _id = id;
        _generation = generation;
        _datagram = new byte[Math.Min(maxDatagramBytes, transport.MaxDatagramBytes)];
    }

    /// <summary>Bytes in one datagram frame.</summary>
    public int DatagramBytes => _datagram.Length;

    /// <summary>Body bytes available in one datagram frame.</summary>
    public int DatagramBodyBytes => _codec.MaxBodyBytes(_datagram.Length);

    /// <summary>True when the transport carries frames larger than a datagram (a stream channel).</summary>
    public bool HasLargeChannel => _transport.MaxLargeFrameBytes > _datagram.Length;

    /// <summary>The datagram buffer, for a body built before it is known whether it fits.</summary>
    public byte[] Datagram => _datagram;

    /// <summary>The stream-frame buffer, made on first use.</summary>
    public byte[] Large => _large ??= new byte[Math.Min(_transport.MaxLargeFrameBytes, _limits.MaxFrameBytes)];

    /// <summary>A writer over the body of the datagram buffer.</summary>
    public GossipWriter Begin() => new(_codec.BodySpan(_datagram));

    /// <summary>The body area of <paramref name="buffer"/>.</summary>
    public Span<byte> Body(byte[] buffer) => _codec.BodySpan(buffer);

    /// <summary>Seals the datagram buffer's body and sends it; a lone section goes as a plain frame (3 bytes less on every quiet-cluster probe and ack).</summary>
    public void Send(WireAddress destination, ref GossipWriter writer, int sectionCount)
    {
        MessageType type = MessageType.Compound;
        int bodyLength = writer.Position;
        if (sectionCount == 1)
        {
            Span<byte> body = _codec.BodySpan(_datagram);
            type = (MessageType)body[0];
            bodyLength -= 3;
            body.Slice(3, bodyLength).CopyTo(body);
        }

        int length = _codec.Seal(_datagram, type, FrameFlags.None, _id, _generation, bodyLength);
        if (length > 0 && !destination.IsNone && _transport.Send(destination, _datagram.AsSpan(0, length)))
        {
            _counters.FramesSentValue++;
        }
    }

    /// <summary>Seals a Compound body already written into <paramref name="buffer"/> (the datagram or the large buffer) and sends it; nothing when the body is empty.</summary>
    public void SendCompound(byte[] buffer, WireAddress destination, int bodyLength)
    {
        if (bodyLength == 0)
        {
            return;
        }

        int length = _codec.Seal(buffer, MessageType.Compound, FrameFlags.None, _id, _generation, bodyLength);
        if (length == 0 || destination.IsNone)
        {
            return;
        }

        bool sent = ReferenceEquals(buffer, _datagram)
            ? _transport.Send(destination, buffer.AsSpan(0, length))
            : _transport.SendLarge(destination, buffer.AsSpan(0, length));
        if (sent)
        {
            _counters.FramesSentValue++;
        }
    }

    /// <summary>Sends one membership event on its own (a refutation to the node that doubted us, a goodbye).</summary>
    public void SendEvent(WireAddress destination, in MembershipEvent membershipEvent)
    {
        GossipWriter writer = Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Membership) && ListWriter.TryBegin(ref writer, out ListWriter list)
            && membershipEvent.TryWrite(ref writer))
        {
            list.Add();
            list.End(ref writer);
            sections.End(ref writer);
        }

        Send(destination, ref writer, sections.Count);
    }

    /// <summary>Closes a list section, or drops it when no item fitted (a bare count carries nothing).</summary>
    public static void EndIfAny(ref GossipWriter writer, ref SectionWriter sections, int items)
    {
        if (items > 0)
        {
            sections.End(ref writer);
        }
        else
        {
            sections.Cancel(ref writer);
        }
    }
}
