using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine;

// Anti-entropy, SYN -> ACK -> ACK2. The SYN carries a digest of one id range of the member table (the range and
// its hash in a MerkleRanges section, then the entries), so a message stays under the datagram cap whatever the
// cluster size and a full sweep takes ceil(n / entries-per-digest) exchanges. The responder answers with what it
// lacks (requests) and what the initiator lacks (deltas, including members of the range the initiator has never
// heard of); the initiator completes with the deltas that were requested. Deltas too large for a datagram go over
// the transport's stream channel when it has one, else as many as fit, never more than the receiver's list limit.
// The SYN also carries the hash of the rest of the table (a second range, to the top of the id space), and the ACK
// says where to go on (a MerkleRanges section of its own): where its answer was cut, or the rest when the rest
// disagrees. So one sweep runs, one round trip per range, exactly as far as the two tables differ.
public sealed partial class GossipNode
{
    private const int RangeBytes = 8 + 8 + 1 + 5 + 8;
    private const int RangeSectionReserve = 3 + 2 + (2 * RangeBytes);
    private readonly List<KeyValuePair<string, StateEntry>> _entryScratch = [];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, StateEntry> EmptyState = new();
    private readonly byte[] _keyScratch = [];

    private enum DeltaWrite
    {
        None,
        Partial,
        Complete,
    }

    /// <summary>Starts (or, given <paramref name="fromId"/>, continues) a sweep with one SYN for the next id range.</summary>
    private void SendSyncRequest(WireAddress destination, ulong? fromId = null)
    {
        Counters.SyncsValue++;
        _lastSyncRound = _round;
        int budget = _codec.MaxBodyBytes(_sendBuffer.Length) - RangeSectionReserve - 3 - 2 - 64;
        int n = _table.Count;
        ulong rangeStart = fromId ?? _syncFrom;
        int start = _table.LowerBound(rangeStart);
        if (start >= n && fromId is null)
        {
            rangeStart = 0;
            start = 0;
        }

        int end = start;
        for (int used = 0; end < n && end - start < _limits.MaxListCount; end++)
        {
            int size = DigestEntrySize(_table[end]);
            if (used + size > budget)
            {
                break;
            }

            used += size;
        }

        ulong rangeEnd = end >= n ? ulong.MaxValue : _table[end].Id.Value - 1;
        _syncFrom = rangeEnd == ulong.MaxValue ? 0 : rangeEnd + 1;
        ulong hash = _table.RangeHash(rangeStart, rangeEnd, out int count);

        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.MerkleRanges) && ListWriter.TryBegin(ref writer, out ListWriter ranges)
            && new MerkleRange(rangeStart, rangeEnd, 0, (uint)count, hash).TryWrite(ref writer))
        {
            ranges.Add();
            if (rangeEnd != ulong.MaxValue)
            {
                ulong restHash = _table.RangeHash(rangeEnd + 1, ulong.MaxValue, out int restCount);
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
            for (int i = start; i < end && _table[i].ToDigest().TryWrite(ref writer); i++)
            {
                digest.Add();
            }

            digest.End(ref writer);
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections, rumors: false);
        SendFrame(destination, ref writer, sections.Count);
    }

    private static int DigestEntrySize(Member m) =>
        8 + VarInt.SizeOf(m.Generation) + 1 + VarInt.SizeOf(m.Heartbeat) + VarInt.SizeOf(m.MaxVersion);

    /// <summary>Answers a SYN: requests for what we lack, deltas for what the initiator lacks, and where to go on.</summary>
    private void OnDigestSyn(WireAddress replyTo, in MerkleRange range, in MerkleRange rest, ReadOnlySpan<byte> digestPayload)
    {
        bool restDiffers = rest.End == ulong.MaxValue && rest.Start == range.End + 1 && range.End != ulong.MaxValue
            && _table.RangeHash(rest.Start, rest.End, out _) != rest.Hash;
        if (_table.RangeHash(range.Start, range.End, out _) == range.Hash)
        {
            ApplyDigestHeartbeats(digestPayload);
            if (!restDiffers)
            {
                return;
            }
        }

        int length = BuildAck(_sendBuffer, replyTo, range, restDiffers, digestPayload, out bool complete);
        if (!complete && _transport.MaxLargeFrameBytes > _sendBuffer.Length)
        {
            SealAndSend(LargeBuffer(), replyTo, BuildAck(LargeBuffer(), replyTo, range, restDiffers, digestPayload, out _), large: true);
        }
        else
        {
            SealAndSend(_sendBuffer, replyTo, length, large: false);
        }
    }

    /// <summary>
    /// Builds an ACK body into <paramref name="buffer"/>; returns its length, 0 when there is nothing to say. The ACK
    /// leads with the range the initiator should sweep next: from where this answer was cut, or, when it is whole and
    /// the rest of the table disagrees, from just past this range.
    /// </summary>
    private int BuildAck(byte[] buffer, WireAddress replyTo, in MerkleRange range, bool restDiffers, ReadOnlySpan<byte> digestPayload, out bool complete)
    {
        complete = true;
        var writer = new GossipWriter(_codec.BodySpan(buffer));
        var sections = new SectionWriter();

        // Space for the continuation range, written last into this reserved slot once the cut point is known.
        int continuationAt = writer.Position;
        if (!sections.TryBegin(ref writer, MessageType.MerkleRanges) || !ListWriter.TryBegin(ref writer, out ListWriter continuation)
            || !new MerkleRange(0, ulong.MaxValue, 0, 0, 0).TryWrite(ref writer))
        {
            complete = false;
            return 0;
        }

        continuation.Add();
        continuation.End(ref writer);
        sections.End(ref writer);
        ulong cutAt = ulong.MaxValue;
        if (!sections.TryBegin(ref writer, MessageType.DigestAck) || !ListWriter.TryBegin(ref writer, out ListWriter requests))
        {
            complete = false;
            return 0;
        }

        // Pass 1: what the initiator has newer than us, or that we have never heard of.
        var digest = new DigestCursor(digestPayload, _limits);
        while (digest.MoveNext())
        {
            DigestEntry theirs = digest.Current;
            bool known = _table.TryGet(theirs.Node, out Member? mine);
            if (known)
            {
                ObserveHeartbeat(mine!, theirs.Generation, theirs.Heartbeat);
            }

            if (theirs.Node == Id && theirs.Generation == Generation && !IsLiveStatus(theirs.Status) && _self.IsLive)
            {
                // The initiator holds us dead (a healed partition, a missed refutation): refute, to it directly.
                SendEvents(replyTo, Refute(_self.Incarnation));
            }

            if (theirs.Node == Id || !(known ? IsNewer(theirs, mine!.ToDigest()) : IsLiveStatus(theirs.Status)))
            {
                continue;
            }

            DigestEntry request = known ? mine!.ToDigest() : new DigestEntry(theirs.Node, 0, MemberStatus.Alive, 0, 0);
            if (requests.Count >= _limits.MaxListCount || !request.TryWrite(ref writer))
            {
                complete = false;
                cutAt = theirs.Node.Value;
                break;
            }

            requests.Add();
        }

        requests.End(ref writer);
        if (!ListWriter.TryBegin(ref writer, out ListWriter deltas))
        {
            complete = false;
            return 0;
        }

        // Pass 2: merge-join the sorted digest with our sorted table over the range.
        digest = new DigestCursor(digestPayload, _limits);
        bool more = digest.MoveNext();
        for (int index = _table.LowerBound(range.Start); index < _table.Count && _table[index].Id.Value <= range.End; index++)
        {
            Member mine = _table[index];
            while (more && digest.Current.Node < mine.Id)
            {
                more = digest.MoveNext();
            }

            ulong from = 0;
            if (more && digest.Current.Node == mine.Id)
            {
                DigestEntry theirs = digest.Current;
                more = digest.MoveNext();
                if (!IsNewer(mine.ToDigest(), theirs))
                {
                    continue;
                }

                from = theirs.Generation == mine.Generation ? theirs.MaxVersion : 0;
            }
            else if (!mine.IsLive)
            {
                continue;
            }

            if (!TryAddDelta(ref writer, ref deltas, mine, from))
            {
                complete = false;
                cutAt = Math.Min(cutAt, mine.Id.Value);
                break;
            }
        }

        deltas.End(ref writer);
        bool goOn = !complete ? cutAt > range.Start || requests.Count + deltas.Count > 0 : restDiffers;
        if (requests.Count == 0 && deltas.Count == 0 && !goOn)
        {
            return 0;
        }

        sections.End(ref writer);
        int length = writer.Position;
        ulong next = !complete ? cutAt : range.End + 1;
        var patch = new GossipWriter(_codec.BodySpan(buffer)[continuationAt..]);
        var patchSections = new SectionWriter();
        if (patchSections.TryBegin(ref patch, MessageType.MerkleRanges) && ListWriter.TryBegin(ref patch, out ListWriter patched)
            && new MerkleRange(goOn ? next : 0, goOn ? ulong.MaxValue : 0, 0, 0, 0).TryWrite(ref patch))
        {
            patched.Add();
            patched.End(ref patch);
            patchSections.End(ref patch);
        }

        return length;
    }

    /// <summary>The initiator's side of step 2: apply the deltas, send back what was requested (ACK2), sweep on if told to.</summary>
    private void OnDigestAck(WireAddress replyTo, NodeId responder, in MerkleRange continuation, ReadOnlySpan<byte> payload)
    {
        var reader = new GossipReader(payload);
        _ = BodyValidator.SkipDigest(ref reader, _limits);
        int requestsLength = reader.Position;
        ApplyDeltas(ref reader);
        if (replyTo.IsNone && _table.TryGet(responder, out Member? known))
        {
            // A seed's first answer to a joiner comes over a stream from a sender the joiner learns only from it.
            replyTo = known.Address;
        }

        ReadOnlySpan<byte> requests = payload[..requestsLength];
        int length = BuildAck2(_sendBuffer, requests, out bool complete);
        if (!complete && _transport.MaxLargeFrameBytes > _sendBuffer.Length)
        {
            SealAndSend(LargeBuffer(), replyTo, BuildAck2(LargeBuffer(), requests, out _), large: true);
        }
        else
        {
            SealAndSend(_sendBuffer, replyTo, length, large: false);
        }

        // Continuation ranges end at the top of the id space; an empty one (end 0) means the tables agree from here on.
        if (continuation.End == ulong.MaxValue && !replyTo.IsNone)
        {
            SendSyncRequest(replyTo, continuation.Start);
        }
    }

    /// <summary>Builds ACK2 for a requests list; returns its body length, 0 when nothing was requested that we have.</summary>
    private int BuildAck2(byte[] buffer, ReadOnlySpan<byte> requestsPayload, out bool complete)
    {
        complete = true;
        var writer = new GossipWriter(_codec.BodySpan(buffer));
        var sections = new SectionWriter();
        if (!sections.TryBegin(ref writer, MessageType.DigestAck2) || !ListWriter.TryBegin(ref writer, out ListWriter deltas))
        {
            complete = false;
            return 0;
        }

        var requests = new DigestCursor(requestsPayload, _limits);
        while (requests.MoveNext())
        {
            DigestEntry request = requests.Current;
            if (!_table.TryGet(request.Node, out Member? mine) || !IsNewer(mine.ToDigest(), request))
            {
                continue;
            }

            if (!TryAddDelta(ref writer, ref deltas, mine, request.Generation == mine.Generation ? request.MaxVersion : 0))
            {
                complete = false;
                break;
            }
        }

        deltas.End(ref writer);
        if (deltas.Count == 0)
        {
            return 0;
        }

        sections.End(ref writer);
        return writer.Position;
    }

    private void OnDigestAck2(ReadOnlySpan<byte> payload)
    {
        var reader = new GossipReader(payload);
        ApplyDeltas(ref reader);
    }

    /// <summary>Appends one member's delta to a deltas list; false when it did not fit whole (the list or the frame is full).</summary>
    private bool TryAddDelta(ref GossipWriter writer, ref ListWriter deltas, Member member, ulong fromVersion)
    {
        // The receiver drops a list longer than its limit whole, so a long one is cut here and finished next exchange.
        if (deltas.Count >= _limits.MaxListCount)
        {
            return false;
        }

        DeltaWrite result = TryWriteDelta(ref writer, member, fromVersion);
        if (result != DeltaWrite.None)
        {
            deltas.Add();
        }

        return result == DeltaWrite.Complete;
    }

    /// <summary>
    /// Writes one member's header and its entries newer than <paramref name="fromVersion"/>, oldest first, so a
    /// cut-off list still leaves the receiver with a consistent max version.
    /// </summary>
    private DeltaWrite TryWriteDelta(ref GossipWriter writer, Member member, ulong fromVersion)
    {
        int start = writer.Position;
        if (!member.ToStateHeader().TryWrite(ref writer) || !ListWriter.TryBegin(ref writer, out ListWriter entries))
        {
            writer.Rewind(start);
            return DeltaWrite.None;
        }

        _entryScratch.Clear();
        foreach (KeyValuePair<string, StateEntry> pair in member.StateOrNull ?? EmptyState)
        {
            if (pair.Value.Version > fromVersion)
            {
                _entryScratch.Add(pair);
            }
        }

        _entryScratch.Sort(static (a, b) => a.Value.Version.CompareTo(b.Value.Version));
        foreach (KeyValuePair<string, StateEntry> pair in _entryScratch)
        {
            int keyLength = System.Text.Encoding.UTF8.GetBytes(pair.Key, _keyScratch);
            if (!new KeyValueEntry(_keyScratch.AsSpan(0, keyLength), pair.Value.Value, pair.Value.Version, pair.Value.Deleted).TryWrite(ref writer))
            {
                break;
            }

            entries.Add();
        }

        if (entries.Count == 0 && _entryScratch.Count > 0)
        {
            writer.Rewind(start);
            return DeltaWrite.None;
        }

        entries.End(ref writer);
        return entries.Count == _entryScratch.Count ? DeltaWrite.Complete : DeltaWrite.Partial;
    }

    private void ApplyDeltas(ref GossipReader reader)
    {
        _ = reader.TryReadCount(_limits.MaxListCount, out int nodes);
        for (int i = 0; i < nodes; i++)
        {
            _ = NodeStateHeader.TryRead(ref reader, out NodeStateHeader header);
            _ = reader.TryReadCount(_limits.MaxListCount, out int entries);
            Member? member = MergeHeader(header);
            for (int j = 0; j < entries; j++)
            {
                _ = KeyValueEntry.TryRead(ref reader, _limits, out KeyValueEntry entry);
                if (member is not null)
                {
                    MergeEntry(member, entry);
                }
            }
        }
    }

    /// <summary>Merges a delta's header; returns the member whose entries should be merged, or null to skip them.</summary>
    private Member? MergeHeader(in NodeStateHeader header)
    {
        if (header.Node == Id)
        {
            if (header.Generation == Generation && header.Status is MemberStatus.Dead or MemberStatus.Left && _self.IsLive)
            {
                Refute(_self.Incarnation);
            }

            return null;
        }

        if (!_table.TryGet(header.Node, out Member? member))
        {
            return header.Status is MemberStatus.Alive or MemberStatus.Suspect && !header.Address.IsNone
                ? AddMember(header.Node, header.Generation, 0, header.Address)
                : null;
        }

        if (header.Generation > member.Generation)
        {
            Restart(member, header.Generation, 0, header.Address.IsNone ? member.Address : header.Address);
        }
        else if (header.Generation < member.Generation)
        {
            return null;
        }
        else if (header.Status == MemberStatus.Left && member.IsLive)
        {
            // Only a departure is certain enough to spread by anti-entropy; deaths are opinions and travel as
            // events, where incarnations can overrule them.
            MarkDown(member, header.Status);
        }

        ObserveHeartbeat(member, header.Generation, header.Heartbeat);
        return member;
    }

    private void MergeEntry(Member member, in KeyValueEntry entry)
    {
        string key = System.Text.Encoding.UTF8.GetString(entry.Key);
        if (member.State.TryGetValue(key, out StateEntry? existing) && existing.Version >= entry.Version)
        {
            return;
        }

        if (existing is null && member.State.Count >= _options.MaxKeysPerMember)
        {
            Counters.LimitHitsValue++;
            return;
        }

        member.State[key] = new StateEntry(entry.Value.ToArray(), entry.Version, entry.Deleted);
        if (entry.Version > member.MaxVersion)
        {
            bool live = member.IsLive;
            ulong oldHash = member.Hash;
            member.MaxVersion = entry.Version;
            _table.Refresh(member, live, oldHash);
        }

        Notify(GossipEventKind.StateChanged, member.Id, key);
    }

    private void ApplyDigestHeartbeats(ReadOnlySpan<byte> digestPayload)
    {
        var reader = new GossipReader(digestPayload);
        _ = reader.TryReadCount(_limits.MaxListCount, out int count);
        for (int i = 0; i < count; i++)
        {
            _ = DigestEntry.TryRead(ref reader, out DigestEntry entry);
            if (_table.TryGet(entry.Node, out Member? member))
            {
                ObserveHeartbeat(member, entry.Generation, entry.Heartbeat);
            }
        }
    }

    private void ObserveHeartbeat(Member member, uint generation, ulong heartbeat)
    {
        if (member != _self && generation == member.Generation && heartbeat > member.Heartbeat)
        {
            member.Heartbeat = heartbeat;
            member.HeartbeatRound = _round;
        }
    }

    /// <summary>True when <paramref name="a"/> carries news over <paramref name="b"/>: a newer generation, newer state, or a departure not yet known.</summary>
    private static bool IsNewer(in DigestEntry a, in DigestEntry b) =>
        a.Generation > b.Generation
        || (a.Generation == b.Generation && (a.MaxVersion > b.MaxVersion || (a.Status == MemberStatus.Left && b.Status != MemberStatus.Left)));

    private static bool IsLiveStatus(MemberStatus status) => status is MemberStatus.Alive or MemberStatus.Suspect;

    private byte[] LargeBuffer() => _largeBuffer ??= new byte[Math.Min(_transport.MaxLargeFrameBytes, _limits.MaxFrameBytes)];

    private void SealAndSend(byte[] buffer, WireAddress destination, int bodyLength, bool large)
    {
        if (bodyLength == 0)
        {
            return;
        }

        int length = _codec.Seal(buffer, MessageType.Compound, FrameFlags.None, Id, Generation, bodyLength);
        if (length == 0 || destination.IsNone)
        {
            return;
        }

        bool sent = large ? _transport.SendLarge(destination, buffer.AsSpan(0, length)) : _transport.Send(destination, buffer.AsSpan(0, length));
        if (sent)
        {
            Counters.FramesSentValue++;
        }
    }
}
