using Gossip.Engine.Membership;
using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Framing;

/// <summary>
/// Writes and sends every frame a node sends. A frame is a Compound of sections (a primary message plus piggyback)
/// written straight into the node's one datagram buffer, or, for an anti-entropy answer that may outgrow a datagram,
/// into a per-thread stream-sized buffer (<see cref="BeginAnswer"/>). A frame with one section travels as a plain frame of
/// that section's type. An answer outgrows a datagram only when its request came over a stream, and then goes back on
/// that stream (<see cref="AnswerOnStream"/>): this node never opens a stream to answer. Every frame names the node it
/// is for (its id, or <see cref="NodeId.None"/> for a seed's address whose node is not known yet): with a key, the frame
/// opens only there (<see cref="FrameCodec.Seal"/>).
/// </summary>
internal sealed class FrameComposer
{
    private readonly FrameCodec _codec;
    private readonly ITransport _transport;
    private readonly NodeCounters _counters;
    private readonly Member _self;
    private readonly byte[] _datagram;
    private readonly int _largeBytes;
    private readonly ReplyLimiter _limiter;

    // The reply guard (see GuardReplies): while a frame from a source that is not a live member at that address is
    // handled, what may still be sent back to it, and whether its answer's rate-limit token was taken.
    private WireAddress _guarded;
    private int _credit;
    private bool _guarding;
    private bool _tokenTaken;

    // The stream the frame being handled came on, and its sender's address (see AnswerOnStream).
    private WireAddress _answerStream;
    private WireAddress _answerTo;

    [ThreadStatic]
    private static byte[]? _answerScratch;

    public FrameComposer(FrameCodec codec, ITransport transport, WireLimits limits, int maxDatagramBytes, NodeCounters counters, Member self, TimeProvider? time = null)
    {
        _limiter = new ReplyLimiter(time ?? TimeProvider.System);
        _codec = codec;
        _transport = transport;
        _largeBytes = Math.Min(transport.MaxLargeFrameBytes, limits.MaxFrameBytes);
        _counters = counters;
        _self = self;
        _datagram = new byte[Math.Min(maxDatagramBytes, transport.MaxDatagramBytes)];
    }

    /// <summary>Bytes in one datagram frame.</summary>
    public int DatagramBytes => _datagram.Length;

    /// <summary>Bytes a frame adds around its body (header and checksum, or counter and tag).</summary>
    public int FrameOverhead => _codec.Overhead;

    /// <summary>Body bytes available in one datagram frame.</summary>
    public int DatagramBodyBytes => _codec.MaxBodyBytes(_datagram.Length);

    /// <summary>True when the transport carries frames larger than a datagram (a stream channel).</summary>
    public bool HasLargeChannel => _transport.MaxLargeFrameBytes > _datagram.Length;

    /// <summary>A writer over the body of the datagram buffer.</summary>
    public GossipWriter Begin() => new(_codec.BodySpan(_datagram));

    /// <summary>
    /// A writer for an answer to <paramref name="destination"/>: the whole datagram, or, while the reply guard holds
    /// that address, only as many bytes as its frame brought (so an ack's piggyback shrinks to fit instead of the whole
    /// answer being withheld).
    /// </summary>
    public GossipWriter BeginReply(WireAddress destination) => _guarding && destination == _guarded
        ? new(_codec.BodySpan(_datagram.AsSpan(0, Math.Min(_datagram.Length, _credit))))
        : Begin();

    /// <summary>
    /// Opens the reply guard for a frame from <paramref name="source"/>, which is not a live member at that address:
    /// until <see cref="EndGuard"/>, frames to that address may total at most <paramref name="receivedBytes"/> (the
    /// frame's own length: no amplification), never go over a stream this node would have to open, and only while the
    /// source's rate limit allows (<see cref="ReplyLimiter"/>). Whatever is withheld is counted
    /// (<see cref="NodeCounters.RepliesWithheld"/>, <see cref="NodeCounters.RepliesRateLimited"/>).
    /// </summary>
    public void GuardReplies(WireAddress source, int receivedBytes)
    {
        _guarded = source;
        _credit = receivedBytes;
        _guarding = !source.IsNone;
        _tokenTaken = false;
    }

    /// <summary>
    /// While a frame that came over the stream from <paramref name="streamSource"/> is handled, answers to its sender
    /// (<paramref name="replyTo"/>, or the stream's own end when the sender is not yet known) may outgrow a datagram:
    /// they are written back on that stream, which the requester opened. Closed by <see cref="EndGuard"/>.
    /// </summary>
    public void AnswerOnStream(WireAddress streamSource, WireAddress replyTo)
    {
        _answerStream = streamSource;
        _answerTo = replyTo;
    }

    /// <summary>True while a frame that came over a stream is handled (its answers go back on that stream).</summary>
    public bool AnsweringOnStream => !_answerStream.IsNone;

    /// <summary>Closes the reply guard and the answer stream: sends after the frame was handled (eager pushes, rounds) go to members, as datagrams.</summary>
    public void EndGuard()
    {
        _guarding = false;
        _answerStream = default;
    }

    /// <summary>True when a frame of <paramref name="length"/> bytes may go to <paramref name="destination"/> now (charged to the guard).</summary>
    private bool MaySend(WireAddress destination, int length)
    {
        if (!_guarding || destination != _guarded)
        {
            return true;
        }

        if (length > _credit)
        {
            _counters.RepliesWithheldValue++;
            return false;
        }

        if (!_tokenTaken)
        {
            if (!_limiter.TryTake(destination))
            {
                _counters.RepliesRateLimitedValue++;
                _credit = 0;
                return false;
            }

            _tokenTaken = true;
        }

        _credit -= length;
        return true;
    }

    /// <summary>The body area of an answer's buffer: the stream-sized one, or the datagram buffer.</summary>
    internal Span<byte> BodyOf(byte[]? large, int frameBytes) => _codec.BodySpan(large is null ? _datagram.AsSpan(0, Math.Min(frameBytes, _datagram.Length)) : large.AsSpan(0, frameBytes));

    /// <summary>Seals the datagram buffer's body and sends it; a lone section goes as a plain frame (3 bytes less on every quiet-cluster probe and ack).</summary>
    public void Send(WireAddress destination, NodeId receiver, ref GossipWriter writer, int sectionCount)
    {
        int length = SealDatagram(receiver, ref writer, sectionCount);
        if (length > 0 && !destination.IsNone && MaySend(destination, length) && _transport.Send(destination, _datagram.AsSpan(0, length)))
        {
            _counters.FramesSentValue++;
        }
    }

    /// <summary>
    /// A frame for an anti-entropy answer, whose size is known only once it is built: in a stream-sized buffer when the
    /// transport has a stream channel (so it is built once, whatever its size), else in the datagram buffer.
    /// </summary>
    /// <remarks>
    /// The stream-sized buffer is one per thread, not per node (a node's handlers run on one thread at a time and an
    /// answer is sent before the handler returns), so 10,000 nodes do not hold 10,000 of them; and it is not rented from
    /// the shared pool, which may trim it and make a steady-state round allocate a fresh one.
    /// </remarks>
    /// <remarks>While the reply guard is open the answer is to the guarded source (answers go to the frame's sender), so it
    /// is built in the datagram buffer cut to the bytes that source sent: it carries what fits, never a stream.
    /// Only an answer to a frame that came over a stream gets the stream-sized buffer; any other is one datagram (an
    /// exchange goes on over further datagrams: the ACK's continuation, the ACK2's extra frames).</remarks>
    public AnswerFrame BeginAnswer() => _guarding
        ? new AnswerFrame(this, null, Math.Min(_datagram.Length, _credit))
        : HasLargeChannel && !_answerStream.IsNone
            ? new AnswerFrame(this, LargeScratch(_largeBytes), _largeBytes)
            : new AnswerFrame(this, null, _datagram.Length);

    private static byte[] LargeScratch(int bytes)
    {
        byte[]? scratch = _answerScratch;
        if (scratch is null || scratch.Length < bytes)
        {
            _answerScratch = scratch = new byte[bytes];
        }

        return scratch;
    }

    /// <summary>
    /// Seals and sends an answer's Compound body: to the sender of a frame that came over a stream, back on that stream
    /// whatever its size (the requester reads its answers there, and the stream's end may not be an address datagrams
    /// reach); otherwise as a datagram, and an answer that does not fit one is withheld and counted.
    /// </summary>
    internal void SendAnswer(byte[]? large, int frameBytes, WireAddress destination, NodeId receiver, int bodyLength)
    {
        if (bodyLength == 0 || destination.IsNone)
        {
            return;
        }

        bool back = large is not null && !_answerStream.IsNone && (destination == _answerTo || destination == _answerStream);
        bool inLarge = large is not null && (back || bodyLength > DatagramBodyBytes);
        if (large is not null && !inLarge)
        {
            _codec.BodySpan(large.AsSpan(0, frameBytes))[..bodyLength].CopyTo(_codec.BodySpan(_datagram));
        }

        Span<byte> frame = inLarge ? large.AsSpan(0, frameBytes) : _datagram;
        int length = _codec.Seal(frame, MessageType.Compound, FrameFlags.None, _self.Id, _self.Generation, receiver, bodyLength);
        if (length <= 0 || !MaySend(destination, inLarge ? int.MaxValue : length))
        {
            return;
        }

        if (inLarge && !back)
        {
            // Never on a stream this node would open, nor on the stream of another requester.
            _counters.RepliesWithheldValue++;
            return;
        }

        if (back ? _transport.SendAnswer(_answerStream, frame[..length]) : _transport.Send(destination, frame[..length]))
        {
            _counters.FramesSentValue++;
        }
    }

    /// <summary>
    /// Seals and sends a Compound body that opens an exchange whose answers may outgrow a datagram: over a stream this
    /// node opens (or reuses) to <paramref name="destination"/>, so they come back on it; as an answer (a datagram, or
    /// back on the current frame's stream) when the transport has no stream channel or the reply guard is open.
    /// </summary>
    internal void SendRequest(byte[]? large, int frameBytes, WireAddress destination, NodeId receiver, int bodyLength)
    {
        if (!HasLargeChannel || _guarding || bodyLength == 0 || destination.IsNone)
        {
            SendAnswer(large, frameBytes, destination, receiver, bodyLength);
            return;
        }

        Span<byte> frame = large is null ? _datagram : large.AsSpan(0, frameBytes);
        int length = _codec.Seal(frame, MessageType.Compound, FrameFlags.None, _self.Id, _self.Generation, receiver, bodyLength);
        if (length > 0 && _transport.SendLarge(destination, frame[..length]))
        {
            _counters.FramesSentValue++;
        }
    }

    /// <summary>
    /// Seals the datagram buffer's body like <see cref="Send"/>, but sends it over a stream this node opens (or reuses) to
    /// <paramref name="destination"/>: a request whose answer may outgrow a datagram, which then comes back on the same
    /// stream. False, with nothing sent, when the transport has no stream channel: the caller sends a datagram instead.
    /// Not held back by the reply guard: the callers send only SYNs, to a seed or to the address an ACK answered from
    /// (one this node had sent a SYN to), and the frame is this node's own small request, not an answer.
    /// </summary>
    public bool TrySendOverStream(WireAddress destination, NodeId receiver, ref GossipWriter writer, int sectionCount)
    {
        if (!HasLargeChannel || destination.IsNone)
        {
            return false;
        }

        int length = SealDatagram(receiver, ref writer, sectionCount);
        if (length > 0 && _transport.SendLarge(destination, _datagram.AsSpan(0, length)))
        {
            _counters.FramesSentValue++;
        }

        return true;
    }

    /// <summary>Seals the datagram buffer's body for <paramref name="receiver"/>; a lone section goes as a plain frame of its type.</summary>
    private int SealDatagram(NodeId receiver, ref GossipWriter writer, int sectionCount)
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

        return _codec.Seal(_datagram, type, FrameFlags.None, _self.Id, _self.Generation, receiver, bodyLength);
    }

    /// <summary>Sends one membership event on its own (a refutation to the node that doubted us, a goodbye).</summary>
    public void SendEvent(WireAddress destination, NodeId receiver, in MembershipEvent membershipEvent)
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

        Send(destination, receiver, ref writer, sections.Count);
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
