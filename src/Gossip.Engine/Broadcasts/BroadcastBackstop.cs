using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Broadcasts;

/// <summary>
/// Delivery of broadcasts, exactly once per origin process's sequence (on arrival, no per-origin order), and the backstop behind rumor mongering: each
/// node tracks how far it has delivered each origin's broadcasts (<see cref="StreamTable"/>), retains recent ones
/// (<see cref="RetentionBuffer"/>), and puts a 32-bit summary of its progress in every ack. A prober whose own summary
/// differs sends its progress (a <see cref="MessageType.BroadcastFrontier"/> request); the peer answers with the
/// broadcasts it lacks (<see cref="MessageType.BroadcastRepairs"/>, over the stream channel when large) and, for what
/// it no longer retains, with the floor of what it does, which the requester reports as a gap event. Nothing more is
/// sent while summaries agree.
/// </summary>
internal sealed class BroadcastBackstop
{
    private const int MaxEntryBytes = 8 + 4 + 5 + 5;

    private readonly NodeContext _node;
    private readonly NodeCounters _counters;
    private readonly MembershipState _members;
    private readonly FrameComposer _frames;
    private readonly StreamTable _streams;
    private readonly RetentionBuffer _retained;
    private readonly uint _maxLead;
    private readonly List<BroadcastStream> _ahead = [];
    private long _summaryVersion = -1;
    private ulong _summaryTableHash;
    private uint _summary;
    private long _stamp;
    private int _requestCursor;
    private WireAddress _pullFrom;
    private NodeId _pullFromId;

    // The request that _pullFrom calls for goes over our own stream: the frame that called for it came on one (the
    // exchange runs there), or a datagram answer left us behind (what the peer holds for us does not fit a datagram).
    private bool _pullOverStream;
    private WireAddress _escalateTo;
    private NodeId _escalateToId;

    // The peer our last datagram request went to: only its answer can escalate, once (an unasked answer never does).
    private WireAddress _askedByDatagram;

    public BroadcastBackstop(NodeContext node, MembershipState members, FrameComposer frames)
    {
        _node = node;
        _counters = node.Counters;
        _members = members;
        _frames = frames;
        GossipOptions options = node.Options;
        _streams = new StreamTable(options.MaxBroadcastOrigins, IsMemberStream);
        long ageRounds = (long)Math.Ceiling(options.BroadcastRetention.Ticks / (double)options.GossipInterval.Ticks);
        _retained = new RetentionBuffer(options.MaxRetainedBroadcasts, options.MaxRetainedBroadcastBytes, ageRounds);
        _maxLead = (uint)options.MaxBroadcastLead;
    }

    /// <summary>
    /// The 32-bit summary acks carry: the XOR of the frontiers of the streams whose origin is a member at that generation
    /// in this node's table (so views that agree on members and deliveries agree on it, whatever else each remembers).
    /// Recomputed only when a frontier or the member table changed.
    /// </summary>
    public uint Summary
    {
        get
        {
            if (_summaryVersion != _streams.Version || _summaryTableHash != _members.Table.Hash)
            {
                Recompute();
            }

            return _summary;
        }
    }

    /// <summary>Streams tracked (bounded by <see cref="GossipOptions.MaxBroadcastOrigins"/>).</summary>
    public int StreamCount => _streams.Count;

    /// <summary>Records a broadcast this node originates: delivered here (not notified) and retained for resending.</summary>
    public void Originate(RumorId id, ReadOnlySpan<byte> payload)
    {
        var key = new StreamKey(id.Origin, id.Generation);
        if (!_streams.TryGet(key, out BroadcastStream? own))
        {
            own = _streams.Add(key, _node.Round);
            own.JumpTo(id.Sequence - 1);
        }

        if (!own.Has(id.Sequence) && own.IsInWindow(id.Sequence))
        {
            Accept(own, id.Sequence, payload, notify: false, recovered: false);
        }
    }

    /// <summary>
    /// A broadcast that arrived by rumor (or, <paramref name="recovered"/>, resent by the backstop): delivered at once when
    /// new and within <see cref="BroadcastStream.Window"/> of its origin's frontier here. False when it is not new here
    /// (or too far ahead to record), so it is not spread on.
    /// </summary>
    public bool Receive(in Rumor rumor, bool recovered)
    {
        if (rumor.Origin == _node.Id || !TryStream(new StreamKey(rumor.Origin, rumor.Generation), out BroadcastStream? stream))
        {
            return false;
        }

        if (stream.Has(rumor.Sequence))
        {
            return false;
        }

        if (!stream.IsInWindow(rumor.Sequence))
        {
            // Too far ahead to record: the backstop brings the ones before it, then this one.
            _counters.BroadcastClaimsDroppedValue++;
            return false;
        }

        Accept(stream, rumor.Sequence, rumor.Payload, notify: true, recovered);
        return true;
    }

    /// <summary>True when the broadcast was delivered here, originated here, or reported in a gap event.</summary>
    public bool HasDelivered(RumorId id) =>
        _streams.TryGet(new StreamKey(id.Origin, id.Generation), out BroadcastStream? stream) && stream.Has(id.Sequence);

    /// <summary>The first round in which <see cref="Step"/> evicts a retained broadcast (and so changes what this node can repair).</summary>
    public long NextWorkRound() => _retained.NextExpiryRound;

    /// <summary>The round's housekeeping: retained broadcasts past their age are evicted.</summary>
    public void Step(long round)
    {
        _retained.Expire(round);
        PublishRetention();
    }

    /// <summary>An ack's summary: when it differs from ours, ask its sender (once the frame is handled) for what we lack.</summary>
    public void OnPeerSummary(uint summary, Member? sender)
    {
        if (sender is not null && sender != _node.Self && summary != Summary)
        {
            Pull(sender.Address, sender.Id);
        }
    }

    /// <summary>
    /// A peer's progress. A request is answered with the broadcasts the peer lacks, and where the requester is ahead this
    /// node asks it in turn; an answer's floors above our frontier are gaps no one can fill from that peer.
    /// </summary>
    public void OnFrontier(ref GossipReader reader, Member? sender, WireAddress replyTo)
    {
        if (sender is null || sender == _node.Self)
        {
            _counters.BroadcastClaimsDroppedValue++;
            return;
        }

        _ = reader.TryReadByte(out byte flags);
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        bool answer = (flags & FrontierEntry.Answer) != 0;
        long stamp = ++_stamp;
        bool behind = false;
        _ahead.Clear();
        for (int i = 0; i < count; i++)
        {
            _ = FrontierEntry.TryRead(ref reader, out FrontierEntry entry);
            behind |= OnEntry(entry, answer, stamp);
        }

        if (!answer)
        {
            if ((flags & FrontierEntry.Complete) != 0)
            {
                AddStreamsNotNamed(stamp);
            }

            if (_ahead.Count > 0)
            {
                SendAnswer(replyTo, sender.Id);
            }
        }

        // An answer's repairs follow it in the same frame: only the progress they make asks again (see OnRepairs).
        if (behind && !answer)
        {
            Pull(sender.Address, sender.Id);
        }

        // A datagram answer from a peer that is ahead: if its repairs (in this frame) do not bring us level, they did not
        // fit a datagram (a node never opens a stream to answer): FlushPull asks again over our own stream.
        if (behind && answer && !_frames.AnsweringOnStream && sender.Address == _askedByDatagram)
        {
            _askedByDatagram = default;
            _escalateTo = sender.Address;
            _escalateToId = sender.Id;
        }
    }

    /// <summary>Broadcasts a peer resent: delivered as rumors are, not spread on. Progress that leaves us behind asks again.</summary>
    public void OnRepairs(ref GossipReader reader, Member? sender)
    {
        if (sender is null)
        {
            _counters.BroadcastClaimsDroppedValue++;
            return;
        }

        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        bool progress = false;
        for (int i = 0; i < count; i++)
        {
            _ = Rumor.TryRead(ref reader, _node.Limits, out Rumor rumor);
            progress |= Receive(rumor, recovered: true);
        }

        // Only progress asks again: a peer that claims more than it sends cannot keep this node asking.
        if (progress && AnyBehind())
        {
            Pull(sender.Address, sender.Id);
        }
    }

    /// <summary>Sends the request a handled frame called for (one per frame, however many sections asked).</summary>
    public void FlushPull()
    {
        WireAddress escalate = _escalateTo;
        NodeId escalateId = _escalateToId;
        bool overStream = _pullOverStream;
        _escalateTo = default;
        _pullOverStream = false;
        if (_node.Stopped)
        {
            _pullFrom = default;
            return;
        }

        // Once per datagram answer (an answer over the stream is whole and never escalates): bounded like the answers.
        if (!escalate.IsNone && AnyBehind())
        {
            _pullFrom = default;
            SendRequest(escalate, escalateId, overStream: true);
            return;
        }

        if (_pullFrom.IsNone)
        {
            return;
        }

        WireAddress destination = _pullFrom;
        _pullFrom = default;
        SendRequest(destination, _pullFromId, overStream);
    }

    /// <summary>Asks <paramref name="peer"/> once the frame is handled; over our stream when the frame came on one.</summary>
    private void Pull(WireAddress peer, NodeId peerId)
    {
        _pullFrom = peer;
        _pullFromId = peerId;
        _pullOverStream = _frames.AnsweringOnStream;
    }

    private bool OnEntry(in FrontierEntry entry, bool answer, long stamp)
    {
        if (entry.Origin == _node.Id)
        {
            // Nobody knows our own broadcasts better than we do.
            if (entry.Generation == _node.Generation && entry.Frontier > OwnFrontier())
            {
                _counters.BroadcastClaimsDroppedValue++;
            }

            return false;
        }

        var key = new StreamKey(entry.Origin, entry.Generation);
        BroadcastStream? stream;
        if (entry.Frontier == 0 ? !_streams.TryGet(key, out stream) : !TryStream(key, out stream))
        {
            return false;
        }

        stream.Stamp = stamp;
        if (entry.Frontier > stream.Frontier)
        {
            if (!stream.RaiseTarget(entry.Frontier, _maxLead))
            {
                _counters.BroadcastClaimsDroppedValue++;
            }

            if (answer)
            {
                ApplyFloor(stream, entry);
            }

            return stream.IsBehind;
        }

        if (!answer && entry.Frontier < stream.Frontier)
        {
            stream.AnswerFrom = entry.Frontier;
            _ahead.Add(stream);
        }

        return false;
    }

    private void AddStreamsNotNamed(long stamp)
    {
        for (int i = 0; i < _streams.Count; i++)
        {
            BroadcastStream stream = _streams[i];
            if (stream.Stamp != stamp && stream.Frontier > 0)
            {
                stream.AnswerFrom = 0;
                _ahead.Add(stream);
            }
        }
    }

    /// <summary>The peer retains nothing of this stream below its floor: what lies between our frontier and it is a gap.</summary>
    private void ApplyFloor(BroadcastStream stream, in FrontierEntry entry)
    {
        if (entry.Floor <= stream.Frontier + 1 || entry.Floor - 1 > entry.Frontier)
        {
            return;
        }

        uint last = Math.Min(entry.Floor - 1, stream.Target);
        if (last > stream.Frontier)
        {
            SkipTo(stream, last);
        }
    }

    private void Accept(BroadcastStream stream, uint sequence, ReadOnlySpan<byte> payload, bool notify, bool recovered)
    {
        long round = _node.Round;
        stream.LastRound = round;
        _retained.Add(stream.Key, sequence, payload, round);
        Deliver(stream, sequence, payload, notify, recovered);
        uint frontier = stream.Frontier;
        stream.Deliver(sequence);
        if (stream.Frontier != frontier)
        {
            _streams.Changed();
        }

        PublishRetention();
    }

    /// <summary>Moves the frontier to <paramref name="last"/>: each run of sequences not delivered on the way is one gap event.</summary>
    private void SkipTo(BroadcastStream stream, uint last)
    {
        uint runStart = 0;
        while (stream.Frontier < last)
        {
            if (stream.NextIsDelivered)
            {
                if (runStart != 0)
                {
                    Gap(stream, runStart, stream.Frontier);
                    runStart = 0;
                }

                stream.Advance();
                continue;
            }

            runStart = runStart == 0 ? stream.Frontier + 1 : runStart;
            if (stream.Ahead == 0)
            {
                stream.JumpTo(last);
            }
            else
            {
                stream.Advance();
            }
        }

        if (runStart != 0)
        {
            Gap(stream, runStart, last);
        }

        while (stream.NextIsDelivered)
        {
            stream.Advance();
        }

        _streams.Changed();
    }

    private void Deliver(BroadcastStream stream, uint sequence, ReadOnlySpan<byte> payload, bool notify, bool recovered)
    {
        if (!notify)
        {
            return;
        }

        _counters.RumorsReceivedValue++;
        if (recovered)
        {
            _counters.BroadcastsRecoveredValue++;
        }

        if (_node.Events.Enabled)
        {
            _node.Events.Notify(GossipEventKind.RumorReceived, stream.Origin, rumor: new RumorId(stream.Origin, sequence, stream.Generation), payload: payload.ToArray());
        }
    }

    private void Gap(BroadcastStream stream, uint first, uint last)
    {
        _counters.BroadcastGapsValue++;
        _counters.BroadcastsMissedValue += (long)last - first + 1;
        _node.Events.Notify(
            GossipEventKind.BroadcastGap,
            stream.Origin,
            rumor: new RumorId(stream.Origin, first, stream.Generation),
            lastMissed: new RumorId(stream.Origin, last, stream.Generation));
    }

    /// <summary>
    /// A known stream, or a new one. The origin need not be a member here: in a partial view most are not, and rumors
    /// have always been taken from any origin. The table's bound (least recently heard of evicted, counted) caps them.
    /// </summary>
    private bool TryStream(StreamKey key, out BroadcastStream stream)
    {
        if (_streams.TryGet(key, out stream!))
        {
            return true;
        }

        long evicted = _streams.Evicted;
        stream = _streams.Add(key, _node.Round);
        if (_streams.Evicted != evicted)
        {
            Interlocked.Increment(ref _counters.LimitHitsValue);
        }

        return true;
    }

    private uint OwnFrontier() => _streams.TryGet(new StreamKey(_node.Id, _node.Generation), out BroadcastStream? own) ? own.Frontier : 0;

    private bool AnyBehind()
    {
        for (int i = 0; i < _streams.Count; i++)
        {
            if (_streams[i].IsBehind)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Our progress on every stream that fits a datagram (rotating when not all do), as a request.</summary>
    private void SendRequest(WireAddress destination, NodeId receiver, bool overStream)
    {
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        int count = _streams.Count;
        bool complete = writer.Remaining >= 3 + 1 + 2 + (count * MaxEntryBytes);
        if (sections.TryBegin(ref writer, MessageType.BroadcastFrontier)
            && writer.TryWriteByte(complete ? FrontierEntry.Complete : (byte)0)
            && ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            int start = count == 0 ? 0 : _requestCursor % count;
            int written = 0;
            while (written < count && list.Count < _node.Limits.MaxListCount)
            {
                BroadcastStream stream = _streams[(start + written) % count];
                if (!new FrontierEntry(stream.Origin, stream.Generation, stream.Frontier, 0).TryWrite(ref writer))
                {
                    break;
                }

                list.Add();
                written++;
            }

            _requestCursor = start + written;
            list.End(ref writer);
            sections.End(ref writer);
        }

        if (sections.Count > 0 && (!overStream || !_frames.TrySendOverStream(destination, receiver, ref writer, sections.Count)))
        {
            _frames.Send(destination, receiver, ref writer, sections.Count);
            _askedByDatagram = destination;
        }
    }

    /// <summary>Where we are ahead of the requester: our frontier and floor per stream, then the retained broadcasts it lacks.</summary>
    private void SendAnswer(WireAddress destination, NodeId receiver)
    {
        AnswerFrame frame = _frames.BeginAnswer();
        var writer = new GossipWriter(frame.Body);
        var sections = new SectionWriter();
        long stamp = ++_stamp;
        if (sections.TryBegin(ref writer, MessageType.BroadcastFrontier)
            && writer.TryWriteByte(FrontierEntry.Answer)
            && ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            for (int i = 0; i < _ahead.Count && list.Count < _node.Limits.MaxListCount; i++)
            {
                BroadcastStream stream = _ahead[i];
                uint floor = _retained.LowestAbove(stream.Key, stream.AnswerFrom, stream.Frontier + 1);
                if (!new FrontierEntry(stream.Origin, stream.Generation, stream.Frontier, floor).TryWrite(ref writer))
                {
                    break;
                }

                stream.Stamp = stamp;
                list.Add();
            }

            list.End(ref writer);
            FrameComposer.EndIfAny(ref writer, ref sections, list.Count);
        }

        WriteRepairs(ref writer, ref sections, stamp);
        frame.Send(destination, receiver, writer.Position);
    }

    /// <summary>The retained broadcasts of the streams just named, above the requester's frontier, oldest first, in as many sections as needed.</summary>
    private void WriteRepairs(ref GossipWriter writer, ref SectionWriter sections, long stamp)
    {
        bool open = false;
        int sectionStart = 0;
        ListWriter list = default;
        for (int i = 0; i < _retained.Count; i++)
        {
            ref readonly RetentionBuffer.Entry entry = ref _retained.At(i);
            if (!_streams.TryGet(entry.Key, out BroadcastStream? stream) || stream.Stamp != stamp
                || entry.Sequence <= stream.AnswerFrom || entry.Sequence > stream.Frontier)
            {
                continue;
            }

            var rumor = new Rumor(entry.Key.Origin, entry.Key.Generation, entry.Sequence, entry.Span);
            if (open && (writer.Position - sectionStart + rumor.EncodedSize > ushort.MaxValue || list.Count == _node.Limits.MaxListCount))
            {
                list.End(ref writer);
                sections.End(ref writer);
                open = false;
            }

            if (!open)
            {
                sectionStart = writer.Position + 3;
                if (sections.Count >= _node.Limits.MaxSections || !sections.TryBegin(ref writer, MessageType.BroadcastRepairs) || !ListWriter.TryBegin(ref writer, out list))
                {
                    return;
                }

                open = true;
            }

            if (!rumor.TryWrite(ref writer))
            {
                break;
            }

            list.Add();
        }

        if (open)
        {
            list.End(ref writer);
            FrameComposer.EndIfAny(ref writer, ref sections, list.Count);
        }
    }

    private void Recompute()
    {
        ulong hash = 0;
        for (int i = 0; i < _streams.Count; i++)
        {
            BroadcastStream stream = _streams[i];
            if (stream.Frontier > 0 && IsMemberStream(stream))
            {
                hash ^= stream.Hash;
            }
        }

        _summary = (uint)(hash ^ (hash >> 32));
        _summaryVersion = _streams.Version;
        _summaryTableHash = _members.Table.Hash;
    }

    private bool IsMemberStream(BroadcastStream stream) => _members.TryGet(stream.Origin, out Member member) && member.Generation == stream.Generation;

    private void PublishRetention()
    {
        _counters.RetainedBroadcastsValue = _retained.Count;
        _counters.RetainedBroadcastBytesValue = _retained.Bytes;
        _counters.BroadcastsEvictedValue = _retained.Evicted;
    }
}
