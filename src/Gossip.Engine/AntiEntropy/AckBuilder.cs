using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// Writes the answers of a digest exchange. An ACK holds, in order: a MerkleRanges section with the range the
/// initiator should sweep next (from where this answer was cut; or, when it is whole and the rest of the table
/// disagrees, from just past this range; or nothing), then a DigestAck section with the requests (digest entries of
/// members the initiator has newer, or that we never heard of) and the deltas (members of the range the initiator
/// lacks or holds older). An ACK2 holds the deltas the responder requested. This is the file to open for "what does
/// an ACK contain".
/// </summary>
internal sealed class AckBuilder
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly DeltaWriter _deltas;

    public AckBuilder(NodeContext node, MembershipState members)
    {
        _node = node;
        _members = members;
        _deltas = new DeltaWriter(node.Limits);
    }

    /// <summary>True when <paramref name="a"/> carries news over <paramref name="b"/>: a newer generation, newer state, or a departure not yet known.</summary>
    public static bool IsNewer(in DigestEntry a, in DigestEntry b) =>
        a.Generation > b.Generation
        || (a.Generation == b.Generation && (a.MaxVersion > b.MaxVersion || (a.Status == MemberStatus.Left && b.Status != MemberStatus.Left)));

    /// <summary>Builds an ACK into <paramref name="body"/>; returns its length, 0 when there is nothing to say.</summary>
    /// <remarks>
    /// <paramref name="selfNews"/> says the initiator's digest lists this node dead or departed, or holds its state at a
    /// version it never wrote: the caller answers once the ACK is sent (sending from in here would write into the buffer
    /// the ACK is being built in).
    /// </remarks>
    public int BuildAck(Span<byte> body, in MerkleRange range, bool restDiffers, ReadOnlySpan<byte> digestPayload, out SelfNews selfNews)
    {
        bool complete = true;
        selfNews = SelfNews.None;
        var writer = new GossipWriter(body);
        var sections = new SectionWriter();

        // Space for the continuation range, written last into this reserved slot once the cut point is known.
        int continuationAt = writer.Position;
        if (!TryWriteContinuation(ref writer, ref sections, 0, ulong.MaxValue)
            || !sections.TryBegin(ref writer, MessageType.DigestAck) || !ListWriter.TryBegin(ref writer, out ListWriter requests))
        {
            return 0;
        }

        ReadOnlySpan<DigestEntry> digest = DigestCursor.Decode(digestPayload, _node.Limits);
        ulong cutAt = WriteRequests(ref writer, ref requests, digest, ref complete, ref selfNews);
        requests.End(ref writer);
        if (!ListWriter.TryBegin(ref writer, out ListWriter deltas))
        {
            return 0;
        }

        cutAt = Math.Min(cutAt, WriteRangeDeltas(ref writer, ref deltas, range, digest, ref complete));
        deltas.End(ref writer);
        bool goOn = !complete ? cutAt > range.Start || requests.Count + deltas.Count > 0 : restDiffers;
        if (requests.Count == 0 && deltas.Count == 0 && !goOn)
        {
            return 0;
        }

        sections.End(ref writer);
        int length = writer.Position;
        ulong next = !complete ? cutAt : range.End + 1;
        var patch = new GossipWriter(body[continuationAt..]);
        var patchSections = new SectionWriter();
        _ = TryWriteContinuation(ref patch, ref patchSections, goOn ? next : 0, goOn ? ulong.MaxValue : 0);
        return length;
    }

    /// <summary>
    /// Builds one ACK2 for a requests list into <paramref name="body"/>; returns its length, 0 when nothing was
    /// requested that we have. <paramref name="answered"/> counts the requests already answered (by earlier frames
    /// of this answer) and is moved past those this frame answers; <paramref name="more"/> says the frame was cut
    /// and another one should carry the rest. A member whose delta does not fit even an empty frame goes out as the
    /// prefix that fits (its oldest entries) and counts as answered, so every frame makes progress.
    /// </summary>
    public int BuildAck2(Span<byte> body, ReadOnlySpan<byte> requestsPayload, ref int answered, out bool more)
    {
        more = false;
        var writer = new GossipWriter(body);
        var sections = new SectionWriter();
        if (!sections.TryBegin(ref writer, MessageType.DigestAck2) || !ListWriter.TryBegin(ref writer, out ListWriter deltas))
        {
            return 0;
        }

        var requests = new DigestCursor(requestsPayload, _node.Limits);
        int index = 0;
        while (requests.MoveNext())
        {
            if (index++ < answered)
            {
                continue;
            }

            DigestEntry request = requests.Current;
            if (_members.TryGet(request.Node, out Member? mine) && IsNewer(mine.ToDigest(), request))
            {
                int before = deltas.Count;
                if (!_deltas.TryAdd(ref writer, ref deltas, mine, request.Generation == mine.Generation ? request.MaxVersion : 0))
                {
                    answered = before == 0 ? index : index - 1;
                    more = true;
                    break;
                }
            }

            answered = index;
        }

        more &= requests.MoveNext() || answered < index;
        deltas.End(ref writer);
        if (deltas.Count == 0)
        {
            return 0;
        }

        sections.End(ref writer);
        return writer.Position;
    }

    private static bool IsLiveStatus(MemberStatus status) => status is MemberStatus.Alive or MemberStatus.Suspect;

    /// <summary>A MerkleRanges section with one range [start, end] (an empty one, end 0, says "stop").</summary>
    private static bool TryWriteContinuation(ref GossipWriter writer, ref SectionWriter sections, ulong start, ulong end)
    {
        if (!sections.TryBegin(ref writer, MessageType.MerkleRanges) || !ListWriter.TryBegin(ref writer, out ListWriter ranges)
            || !new MerkleRange(start, end, 0, 0, 0).TryWrite(ref writer))
        {
            return false;
        }

        ranges.Add();
        ranges.End(ref writer);
        sections.End(ref writer);
        return true;
    }

    /// <summary>Pass 1: what the initiator has newer than us, or that we have never heard of. Returns where the list was cut (max when whole).</summary>
    private ulong WriteRequests(ref GossipWriter writer, ref ListWriter requests, ReadOnlySpan<DigestEntry> digest, ref bool complete, ref SelfNews selfNews)
    {
        Member self = _node.Self;
        uint ceiling = digest.Length > 0 ? _members.GenerationCeiling() : 0;
        foreach (DigestEntry theirs in digest)
        {
            bool known = _members.TryGet(theirs.Node, out Member? mine);
            if (known)
            {
                _members.ObserveHeartbeat(mine!, theirs.Generation, theirs.Heartbeat);
            }

            if (theirs.Node == _node.Id && theirs.Generation == _node.Generation)
            {
                if (!IsLiveStatus(theirs.Status) && self.IsLive)
                {
                    // The initiator holds us dead (a healed partition, a missed refutation): the caller refutes, to it directly.
                    selfNews = SelfNews.HeldDead;
                }
                else if (theirs.MaxVersion > self.MaxVersion && selfNews == SelfNews.None)
                {
                    selfNews = SelfNews.HeldAhead;
                }
            }

            // A generation beyond the clock is not asked for: the delta would be dropped, and asked for again every sync.
            if (theirs.Node == _node.Id || theirs.Generation > ceiling
                || !(known ? IsNewer(theirs, mine!.ToDigest()) : IsLiveStatus(theirs.Status)))
            {
                continue;
            }

            DigestEntry request = known ? mine!.ToDigest() : new DigestEntry(theirs.Node, 0, MemberStatus.Alive, 0, 0);
            if (requests.Count >= _node.Limits.MaxListCount || !request.TryWrite(ref writer))
            {
                complete = false;
                return theirs.Node.Value;
            }

            requests.Add();
        }

        return ulong.MaxValue;
    }

    /// <summary>Pass 2: merge-join the sorted digest with our sorted table over the range. Returns where the list was cut (max when whole).</summary>
    private ulong WriteRangeDeltas(ref GossipWriter writer, ref ListWriter deltas, in MerkleRange range, ReadOnlySpan<DigestEntry> digest, ref bool complete)
    {
        MemberTable table = _members.Table;
        int next = 0;
        for (int index = table.LowerBound(range.Start); index < table.Count && table[index].Id.Value <= range.End; index++)
        {
            Member mine = table[index];
            while (next < digest.Length && digest[next].Node < mine.Id)
            {
                next++;
            }

            ulong from = 0;
            if (next < digest.Length && digest[next].Node == mine.Id)
            {
                DigestEntry theirs = digest[next++];
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

            if (!_deltas.TryAdd(ref writer, ref deltas, mine, from))
            {
                complete = false;
                return mine.Id.Value;
            }
        }

        return ulong.MaxValue;
    }
}
