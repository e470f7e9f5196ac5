using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>Protocol counters of one node; written by the node's executor, readable from any thread.</summary>
public sealed class NodeCounters
{
    internal long RoundsValue;
    internal long RoundsSleptValue;
    internal long FramesSentValue;
    internal long FramesReceivedValue;
    internal long FramesDroppedValue;
    internal long RumorsOriginatedValue;
    internal long RumorsReceivedValue;
    internal long RumorsRetiredEarlyValue;
    internal long SuspicionsValue;
    internal long DeathsDeclaredValue;
    internal long VerdictsDeferredValue;
    internal long RefutationsValue;
    internal long SyncsValue;
    internal long EventsDroppedValue;
    internal long LimitHitsValue;
    internal long NoticesForwardedValue;
    internal long NewsDroppedValue;
    internal long BroadcastsRecoveredValue;
    internal long BroadcastGapsValue;
    internal long BroadcastsMissedValue;
    internal long BroadcastClaimsDroppedValue;
    internal long RetainedBroadcastsValue;
    internal long RetainedBroadcastBytesValue;
    internal long BroadcastsEvictedValue;
    internal long RepliesWithheldValue;
    internal long RepliesRateLimitedValue;
    internal long PingReqsRefusedValue;
    internal long DataEntriesMergedValue;
    internal long DataEntriesDroppedValue;
    internal long DataRepairsValue;
    internal long DataLevelsDescendedValue;
    internal long DataRepairBytesValue;
    internal long DataRepairFramesValue;
    internal readonly long[] DropsByStatus = new long[16];

    /// <summary>Rounds run.</summary>
    public long Rounds => Volatile.Read(ref RoundsValue);

    /// <summary>
    /// Rounds this node slept through because nothing was due in them, and ran later, in order, when it next woke (see
    /// docs/performance.md); counted in <see cref="Rounds"/> too. Only a node scheduled alone or with a few others on
    /// the real clock sleeps.
    /// </summary>
    public long RoundsSlept => Volatile.Read(ref RoundsSleptValue);

    /// <summary>Frames sent (datagrams and stream frames).</summary>
    public long FramesSent => Volatile.Read(ref FramesSentValue);

    /// <summary>Frames received and accepted.</summary>
    public long FramesReceived => Volatile.Read(ref FramesReceivedValue);

    /// <summary>Frames dropped for any reason (see <see cref="DroppedFor"/>).</summary>
    public long FramesDropped => Volatile.Read(ref FramesDroppedValue);

    /// <summary>Rumors this node originated.</summary>
    public long RumorsOriginated => Volatile.Read(ref RumorsOriginatedValue);

    /// <summary>Distinct rumors received from others.</summary>
    public long RumorsReceived => Volatile.Read(ref RumorsReceivedValue);

    /// <summary>Rumors retired before their retransmit budget because the rumor buffer was full.</summary>
    public long RumorsRetiredEarly => Volatile.Read(ref RumorsRetiredEarlyValue);

    /// <summary>Suspicions this node raised.</summary>
    public long Suspicions => Volatile.Read(ref SuspicionsValue);

    /// <summary>Members this node declared dead.</summary>
    public long DeathsDeclared => Volatile.Read(ref DeathsDeclaredValue);

    /// <summary>
    /// Verdicts (a failed probe's suspicion, an expired suspicion's death) put off by a round because this node was
    /// behind on its own input at that moment: frames still queued in its mailbox or waiting in its socket, where the
    /// ack or refutation may be. Many in a row mean the node cannot keep up with what it receives.
    /// </summary>
    public long VerdictsDeferred => Volatile.Read(ref VerdictsDeferredValue);

    /// <summary>Times this node raised its incarnation to refute a suspicion, death or departure notice about itself (a stale notice below its incarnation is answered without counting).</summary>
    public long Refutations => Volatile.Read(ref RefutationsValue);

    /// <summary>Anti-entropy exchanges this node started.</summary>
    public long Syncs => Volatile.Read(ref SyncsValue);

    /// <summary>Notifications dropped because the application did not drain them.</summary>
    public long EventsDropped => Volatile.Read(ref EventsDroppedValue);

    /// <summary>Times a bounded structure (members, keys, rumors, events, mailbox) was full, or a node handler faulted and was contained.</summary>
    public long LimitHits => Volatile.Read(ref LimitHitsValue);

    /// <summary>Death or departure notices forwarded about members outside this node's partial view.</summary>
    public long NoticesForwarded => Volatile.Read(ref NoticesForwardedValue);

    /// <summary>
    /// Membership news and state entries dropped, not believed, though the frame carrying them was sound: an incarnation
    /// jump beyond the bound, a generation beyond the clock, a live member's new generation or address not heard from
    /// itself, stale news of a reaped member, a state version not below the owner's own, a key removed and collected.
    /// </summary>
    public long NewsDropped => Volatile.Read(ref NewsDroppedValue);

    /// <summary>Broadcasts delivered after a peer resent them (rumor mongering had missed this node); included in <see cref="RumorsReceived"/>.</summary>
    public long BroadcastsRecovered => Volatile.Read(ref BroadcastsRecoveredValue);

    /// <summary>Gap events raised: ranges of an origin's broadcasts no peer retained any more when this node asked.</summary>
    public long BroadcastGaps => Volatile.Read(ref BroadcastGapsValue);

    /// <summary>Broadcasts reported missing in gap events.</summary>
    public long BroadcastsMissed => Volatile.Read(ref BroadcastsMissedValue);

    /// <summary>
    /// Broadcast sequence numbers not believed though their frame was sound: a broadcast or claimed progress too far
    /// ahead (clamped), from a sender or of an origin that is not a member, or a claim about this node's own broadcasts.
    /// </summary>
    public long BroadcastClaimsDropped => Volatile.Read(ref BroadcastClaimsDroppedValue);

    /// <summary>Broadcasts retained now for resending (bounded by <see cref="GossipOptions.MaxRetainedBroadcasts"/>).</summary>
    public long RetainedBroadcasts => Volatile.Read(ref RetainedBroadcastsValue);

    /// <summary>Payload bytes of the broadcasts retained now (bounded by <see cref="GossipOptions.MaxRetainedBroadcastBytes"/>).</summary>
    public long RetainedBroadcastBytes => Volatile.Read(ref RetainedBroadcastBytesValue);

    /// <summary>Retained broadcasts evicted by count, bytes or age (or too large to retain).</summary>
    public long BroadcastsEvicted => Volatile.Read(ref BroadcastsEvictedValue);

    /// <summary>
    /// Answers not sent to a source that is not a live member at its address because they would have been larger than
    /// what that source sent (no amplification), or would have needed a stream this node opens.
    /// </summary>
    public long RepliesWithheld => Volatile.Read(ref RepliesWithheldValue);

    /// <summary>Answers not sent to a source that is not a live member at its address because its rate limit (or the shared one) was spent.</summary>
    public long RepliesRateLimited => Volatile.Read(ref RepliesRateLimitedValue);

    /// <summary>Ping-reqs refused: from a source that is not a live member at its address, or naming a target that is not one, without the cluster key's word for it.</summary>
    public long PingReqsRefused => Volatile.Read(ref PingReqsRefusedValue);

    /// <summary>Replicated-map entries taken from peers because they were newer than this node's (rumors and repairs).</summary>
    public long DataEntriesMerged => Volatile.Read(ref DataEntriesMergedValue);

    /// <summary>
    /// Replicated-map input not taken though its frame was sound: entries stamped too far in the future, new keys beyond
    /// <see cref="GossipOptions.MaxDataEntries"/>, and repair or entry sections from a sender that is not a member.
    /// </summary>
    public long DataEntriesDropped => Volatile.Read(ref DataEntriesDroppedValue);

    /// <summary>Merkle repairs this node started (a peer's root differed from its own).</summary>
    public long DataRepairs => Volatile.Read(ref DataRepairsValue);

    /// <summary>Tree levels this node descended for peers (each <c>DataTreeLevel</c> section it compared).</summary>
    public long DataLevelsDescended => Volatile.Read(ref DataLevelsDescendedValue);

    /// <summary>Bytes of Merkle-repair frames this node sent (tree levels and repair entries, frame overhead included).</summary>
    public long DataRepairBytes => Volatile.Read(ref DataRepairBytesValue);

    /// <summary>Merkle-repair frames this node sent.</summary>
    public long DataRepairFrames => Volatile.Read(ref DataRepairFramesValue);

    /// <summary>Frames dropped with the given wire status (bad checksum, wrong cluster, ...).</summary>
    public long DroppedFor(WireStatus status) => Volatile.Read(ref DropsByStatus[(int)status & 15]);

    internal void Drop(WireStatus status)
    {
        Interlocked.Increment(ref FramesDroppedValue);
        Interlocked.Increment(ref DropsByStatus[(int)status & 15]);
    }
}
