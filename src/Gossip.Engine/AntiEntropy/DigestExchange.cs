using Gossip.Engine.Dissemination;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// Anti-entropy, SYN -> ACK -> ACK2. The SYN carries a digest of one id range of the member table (the range and its
/// hash in a MerkleRanges section, then the entries), so a message stays under the datagram cap whatever the cluster
/// size and a full sweep takes ceil(n / entries-per-digest) exchanges. The responder answers with what it lacks
/// (requests) and what the initiator lacks (deltas, see <see cref="AckBuilder"/>); the initiator completes with the
/// deltas that were requested. An answer to a SYN that came over a stream (a joiner's, or a sweep that started on one)
/// goes back on that stream whatever its size; an answer to a datagram is datagrams only, as many as fit, and the sweep
/// goes on from where it was cut. This node never opens a stream to answer: a requester that expects a large answer
/// sends its SYN over a stream of its own. The SYN also carries the hash of the rest of the table (a second range, to the top of the id
/// space), and the ACK says where to go on, so one sweep runs, one round trip per range, exactly as far as the two
/// tables differ. Exchanges start when a probe's ack shows a different table hash, when joining, and now and then
/// towards a member held dead (a healed partition).
/// </summary>
internal sealed class DigestExchange
{
    private const int RangeBytes = 8 + 8 + 1 + 5 + 8;
    private const int RangeSectionReserve = 3 + 2 + (2 * RangeBytes);

    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly FrameComposer _frames;
    private readonly Disseminator _spread;
    private readonly MembershipRules _rules;
    private readonly AckBuilder _acks;
    /// <summary>Rounds an ACK2 may take to come back (a few round trips, over a stream or a slow link).</summary>
    private const int Ack2WithinRounds = 10;

    /// <summary>Most frames one ACK2 is sent in (datagrams, when there is no stream channel); the rest waits for the next exchange.</summary>
    private const int MaxAck2Frames = 8;

    private readonly DeltaMerger _merger;

    /// <summary>ACKs this process sent lately: an ACK2 is taken only as the answer to one of them.</summary>
    private readonly OpenExchanges _open = new(64);
    private readonly SentSyncs _sent = new(64);
    private long _lastSyncRound = long.MinValue / 2;
    private ulong _syncFrom;

    public DigestExchange(NodeContext node, MembershipState members, MembershipRules rules, Disseminator spread, FrameComposer frames)
    {
        _node = node;
        _members = members;
        _frames = frames;
        _spread = spread;
        _acks = new AckBuilder(node, members);
        _rules = rules;
        _merger = new DeltaMerger(node, members, rules, frames);
    }

    /// <summary>
    /// Starts (or, given <paramref name="fromId"/>, continues) a sweep with one SYN for the next id range, to
    /// <paramref name="receiver"/> at <paramref name="destination"/> (<see cref="NodeId.None"/>: a seed not known yet).
    /// With <paramref name="overStream"/> the SYN goes over a stream this node opens to <paramref name="destination"/>
    /// (when the transport has one), so the answer may be as large as the tables differ and comes back on it.
    /// </summary>
    public void SendSyncRequest(WireAddress destination, NodeId receiver, ulong? fromId = null, bool overStream = false)
    {
        _node.Counters.SyncsValue++;
        _lastSyncRound = _node.Round;
        MemberTable table = _members.Table;
        int budget = _frames.DatagramBodyBytes - RangeSectionReserve - 3 - 2 - 64;
        int n = table.Count;
        ulong rangeStart = fromId ?? _syncFrom;
        int start = table.LowerBound(rangeStart);
        if (start >= n && fromId is null)
        {
            rangeStart = 0;
            start = 0;
        }

        int end = start;
        for (int used = 0; end < n && end - start < _node.Limits.MaxListCount; end++)
        {
            int size = DigestEntrySize(table[end]);
            if (used + size > budget)
            {
                break;
            }

            used += size;
        }

        ulong rangeEnd = end >= n ? ulong.MaxValue : table[end].Id.Value - 1;
        _syncFrom = rangeEnd == ulong.MaxValue ? 0 : rangeEnd + 1;
        ulong hash = table.RangeHash(rangeStart, rangeEnd, out int count);

        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.MerkleRanges) && ListWriter.TryBegin(ref writer, out ListWriter ranges)
            && new MerkleRange(rangeStart, rangeEnd, 0, (uint)count, hash).TryWrite(ref writer))
        {
            ranges.Add();
            if (rangeEnd != ulong.MaxValue)
            {
                ulong restHash = table.RangeHash(rangeEnd + 1, ulong.MaxValue, out int restCount);
                if (new MerkleRange(rangeEnd + 1, ulong.MaxValue, 0, (uint)restCount, restHash).TryWrite(ref writer))
                {
                    ranges.Add();
                }
            }

            ranges.End(ref writer);
            sections.End(ref writer);
        }

        if (sections.TryBegin(ref writer, MessageType.DigestSyn) && ListWriter.TryBegin(ref writer, out ListWriter digest))
        {
            for (int i = start; i < end && table[i].ToDigest().TryWrite(ref writer); i++)
            {
                digest.Add();
            }

            digest.End(ref writer);
            sections.End(ref writer);
        }

        _spread.WritePiggyback(ref writer, ref sections, rumors: false);
        if (!overStream || !_frames.TrySendOverStream(destination, receiver, ref writer, sections.Count))
        {
            _frames.Send(destination, receiver, ref writer, sections.Count);
        }

        _sent.Note(destination, _node.Round, rangeEnd);
    }

    /// <summary>A probe's ack carried the peer's table hash: a different one means we disagree on something, so reconcile (at most every few rounds).</summary>
    public void OnPeerTableHash(uint tableHash, WireAddress peer, NodeId peerId)
    {
        if (tableHash != (uint)_members.Table.Hash && _node.Round - _lastSyncRound >= _node.Options.SyncEveryRounds)
        {
            SendSyncRequest(peer, peerId);
        }
    }

    /// <summary>The next round in which <see cref="Reconnect"/> tries a member held dead or reaped lately; <see cref="long.MaxValue"/> while there is none.</summary>
    public long NextWorkRound(long round) =>
        _members.Down.Count + _members.Former.Count == 0 || (_node.Mutations & ProtocolMutation.NoReconnection) != 0
            ? long.MaxValue
            : SeedJoiner.NextMultiple(round, 5L * _node.Options.SyncEveryRounds);

    /// <summary>
    /// Now and then, try an exchange with a member we hold dead, or one we reaped within
    /// <see cref="GossipOptions.ReconnectForRounds"/>. If it is alive after all (a healed partition), the exchange
    /// merges the two tables (members one side reaped come back as new; one still held dead refutes the death) and the
    /// rest of each side learns from them by anti-entropy. Costs one datagram every few seconds while any are known.
    /// </summary>
    public void Reconnect(long round)
    {
        if (round % (5L * _node.Options.SyncEveryRounds) != 0 || (_node.Mutations & ProtocolMutation.NoReconnection) != 0)
        {
            return;
        }

        IReadOnlyList<Member> down = _members.Down;
        IReadOnlyList<FormerMember> former = _members.Former;
        int reachable = CountReachable(former, round);
        int candidates = down.Count + reachable;
        if (candidates == 0)
        {
            return;
        }

        int pick = _node.Random.Next(candidates);
        if (pick >= down.Count)
        {
            FormerMember reaped = former[former.Count - reachable + pick - down.Count];
            SendSyncRequest(reaped.Address, reaped.Id);
            return;
        }

        Member candidate = down[pick];
        if (candidate.Status == MemberStatus.Dead && !candidate.Removed)
        {
            SendSyncRequest(candidate.Address, candidate.Id);
        }
    }

    /// <summary>Answers a SYN: requests for what we lack, deltas for what the initiator lacks, and where to go on.</summary>
    public void OnSyn(in FrameOrigin origin, in MerkleRange range, in MerkleRange rest, ReadOnlySpan<byte> digestPayload)
    {
        WireAddress replyTo = origin.ReplyTo;
        MemberTable table = _members.Table;
        bool restDiffers = rest.End == ulong.MaxValue && rest.Start == range.End + 1 && range.End != ulong.MaxValue
            && table.RangeHash(rest.Start, rest.End, out _) != rest.Hash;
        if (table.RangeHash(range.Start, range.End, out _) == range.Hash)
        {
            ObserveDigestHeartbeats(digestPayload);
            if (!restDiffers)
            {
                return;
            }
        }

        // A joiner's SYN comes over its stream before we know it: the answer goes back on that stream.
        WireAddress answerTo = replyTo.IsNone && origin.ViaStream ? origin.Source : replyTo;
        AnswerFrame answer = _frames.BeginAnswer();
        answer.Send(answerTo, origin.Sender, _acks.BuildAck(answer.Body, range, restDiffers, digestPayload, out SelfNews selfNews));
        _open.Open(origin.Sender, origin.Generation, _node.Round);

        if (selfNews == SelfNews.HeldDead && _node.Self.IsLive)
        {
            _frames.SendEvent(replyTo, origin.Sender, _rules.Refute(_node.Self.Incarnation));
        }
        else if (selfNews == SelfNews.HeldAhead)
        {
            _rules.OnStateHeldAhead();
        }
    }

    /// <summary>The initiator's side of step 2: apply the deltas, send back what was requested (ACK2), sweep on if told to.</summary>
    public void OnAck(in FrameOrigin origin, in MerkleRange continuation, ReadOnlySpan<byte> payload)
    {
        if (!_sent.Answers(origin.Source, origin.ViaStream, _node.Round, Ack2WithinRounds, out ulong askedTo))
        {
            _members.CountDropped();
            return;
        }

        var reader = new GossipReader(payload);
        _ = BodyValidator.SkipDigest(ref reader, _node.Limits);
        int requestsLength = reader.Position;
        _merger.Apply(ref reader, origin);
        WireAddress replyTo = origin.ReplyTo;
        if (replyTo.IsNone && _members.TryGet(origin.Sender, out Member? known))
        {
            // A seed's first answer to a joiner comes over a stream from a sender the joiner learns only from it.
            replyTo = known.Address;
        }

        // An ACK that came as a datagram is answered in datagrams (an ACK over our stream, back on it, whole): several
        // of them, since dropping the rest made two very different tables need many sweeps. Bounded: the peer is one we asked.
        int answered = 0;
        for (int frame = 0; frame < MaxAck2Frames; frame++)
        {
            AnswerFrame answer = _frames.BeginAnswer();
            answer.Send(replyTo, origin.Sender, _acks.BuildAck2(answer.Body, payload[..requestsLength], ref answered, out bool more));
            if (!more)
            {
                break;
            }
        }

        // Continuation ranges end at the top of the id space; an empty one (end 0) means the tables agree from here on.
        // A sweep that started over our stream goes on over it. So does one whose datagram ACK was cut inside the range
        // we asked about (not just told to go on past it): the tables differ by more than a datagram holds, so we ask
        // again over a stream of our own, on which the answer can be whole.
        if (continuation.End == ulong.MaxValue && !replyTo.IsNone)
        {
            bool cut = continuation.Start <= askedTo;
            SendSyncRequest(replyTo, origin.Sender, continuation.Start, overStream: origin.ViaStream || cut);
        }
    }

    /// <summary>Step 3: the deltas the responder asked for.</summary>
    public void OnAck2(ReadOnlySpan<byte> payload, in FrameOrigin origin)
    {
        if (!_open.IsOpen(origin.Sender, origin.Generation, _node.Round, Ack2WithinRounds))
        {
            _members.CountDropped();
            return;
        }

        var reader = new GossipReader(payload);
        _merger.Apply(ref reader, origin);
    }

    /// <summary>Reads a MerkleRanges section: a SYN's (its digest's range, then the rest of the table) or an ACK's (where to sweep on).</summary>
    public static void ReadRanges(ref GossipReader reader, WireLimits limits, out MerkleRange range, out MerkleRange rest)
    {
        range = default;
        rest = default;
        _ = reader.TryReadCount(limits.MaxListCount, out int ranges);
        if (ranges > 0)
        {
            _ = MerkleRange.TryRead(ref reader, limits, out range);
        }

        if (ranges > 1)
        {
            _ = MerkleRange.TryRead(ref reader, limits, out rest);
        }
    }

    /// <summary>How many of the newest reaped members were reaped within <see cref="GossipOptions.ReconnectForRounds"/> (they are kept longer, as tombstones).</summary>
    private int CountReachable(IReadOnlyList<FormerMember> former, long round)
    {
        int reachable = 0;
        while (reachable < former.Count && round - former[former.Count - 1 - reachable].ReapedRound < _node.Options.ReconnectForRounds)
        {
            reachable++;
        }

        return reachable;
    }

    private static int DigestEntrySize(Member m) =>
        8 + VarInt.SizeOf(m.Generation) + 1 + VarInt.SizeOf(m.Heartbeat) + VarInt.SizeOf(m.MaxVersion);

    /// <summary>A SYN whose range agrees with ours still carries fresh heartbeats.</summary>
    private void ObserveDigestHeartbeats(ReadOnlySpan<byte> digestPayload)
    {
        var digest = new DigestCursor(digestPayload, _node.Limits);
        while (digest.MoveNext())
        {
            DigestEntry entry = digest.Current;
            if (_members.TryGet(entry.Node, out Member? member))
            {
                _members.ObserveHeartbeat(member, entry.Generation, entry.Heartbeat);
            }
        }
    }
}
