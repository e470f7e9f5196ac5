using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>How rumors move in a gossip exchange.</summary>
public enum DisseminationMode
{
    /// <summary>The node that knows sends to the peers it picks.</summary>
    Push,
    /// <summary>A node asks the peers it picks for what they are spreading.</summary>
    Pull,
    /// <summary>Both in one exchange: push what I spread, ask for what you spread. The default.</summary>
    PushPull,
}

/// <summary>
/// Every tunable of a node, with its default. Call <see cref="Validate"/> (the node does at start-up);
/// an invalid value throws <see cref="ArgumentOutOfRangeException"/> naming the option. Ready-made sets for LAN,
/// WAN, loopback and the synchronous model are in GossipOptions.Presets.cs (<see cref="Lan"/>, <see cref="Wan"/>,
/// <see cref="Local"/>, <see cref="Synchronous"/>).
/// </summary>
public sealed partial class GossipOptions
{
    /// <summary>Cluster id written into every frame; frames of other clusters are dropped. Default 1.</summary>
    public uint ClusterId { get; set; } = 1;

    /// <summary>This node's id; <see cref="NodeId.None"/> (the default) draws a random one.</summary>
    public NodeId NodeId { get; set; }

    /// <summary>
    /// This process's generation: a restarted node takes a higher one, which supersedes its old self everywhere. 0 (the
    /// default) derives it at start: from <see cref="GenerationFile"/> when set, else the Unix time in seconds (so a
    /// restart within the same second, or after the clock stepped back, would not be a new generation).
    /// </summary>
    public uint Generation { get; set; }

    /// <summary>
    /// A small file that makes generations monotonic across restarts: at start the node takes the larger of the Unix
    /// time in seconds and the generation stored there plus one, and stores it back (written to a temporary file, then
    /// moved over the old one). Ignored when <see cref="Generation"/> is set. Null (default) uses the clock alone.
    /// </summary>
    public string? GenerationFile { get; set; }

    /// <summary>
    /// How far ahead of this node's clock another node's generation may be: news naming a generation above the Unix
    /// time in seconds plus this is dropped (counted in <see cref="NodeCounters.NewsDropped"/>), so no one can push a
    /// member to a generation its real restarts would never reach. Generations derived from the clock, or from a
    /// <see cref="GenerationFile"/> (at most one ahead per restart within a second), stay far below it; a host-supplied
    /// <see cref="Generation"/> must not exceed the Unix time in seconds. Between 1 second and 30 days. Default 1 hour.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time between gossip rounds. Default 200 ms.</summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Peers contacted per round. Default 3.</summary>
    public int Fanout { get; set; } = 3;

    /// <summary>Push, pull or push-pull. Default <see cref="DisseminationMode.PushPull"/>.</summary>
    public DisseminationMode Mode { get; set; } = DisseminationMode.PushPull;

    /// <summary>
    /// When true, a node with nothing to spread still runs its pull exchanges every round (the synchronous
    /// model of the literature: fastest spread, a few datagrams per round in steady state). When false (default),
    /// a push-pull node with nothing to spread sends no gossip (and no pull) in its round; it learns new rumors from
    /// the pushes of nodes that have them, so a quiet cluster costs only probes; new rumors are still pushed at once
    /// on arrival (<see cref="EagerPush"/>). Pull mode pulls every round either way.
    /// </summary>
    public bool ExchangeWhenIdle { get; set; }

    /// <summary>
    /// Push new rumors (received, or originated by this node) and urgent membership news received from peers (suspicion,
    /// death, departure, refutation) to <see cref="EagerPushFanout"/> peers at once instead of waiting for the next round. Default true.
    /// </summary>
    public bool EagerPush { get; set; } = true;

    /// <summary>
    /// Peers a node forwards a new rumor or membership event to on arrival (eager push). One forward per node to f
    /// peers leaves about e^-f of the cluster for the next round to reach; 6 leaves 0.25 %. Default 6.
    /// </summary>
    public int EagerPushFanout { get; set; } = 6;

    /// <summary>Retransmit multiplier lambda: a rumor is sent about lambda * ceil(log10(n+1)) times, then retired. Default 4.</summary>
    public int RetransmitMultiplier { get; set; } = 4;

    /// <summary>Rounds between failure-detector probes (probe interval = this * <see cref="GossipInterval"/>). Default 5 (1 s).</summary>
    public int ProbeEveryRounds { get; set; } = 5;

    /// <summary>Rounds to wait for a direct ack before asking helpers to probe indirectly; as long again for their answer before suspecting. At most half of <see cref="ProbeEveryRounds"/>. Default 2.</summary>
    public int ProbeTimeoutRounds { get; set; } = 2;

    /// <summary>
    /// Lifeguard's local health awareness: the most the probe interval and timeout stretch (by score + 1) while this
    /// node's own probes fail and it hears itself suspected, signs that it is the slow one. 0 turns it off. Default 8.
    /// </summary>
    public int MaxLocalHealthScore { get; set; } = 8;

    /// <summary>Helpers asked for an indirect probe. Default 3.</summary>
    public int IndirectProbes { get; set; } = 3;

    /// <summary>Independent suspicions (including our own) that shorten a suspicion to its minimum. Default 3.</summary>
    public int SuspicionConfirmations { get; set; } = 3;

    /// <summary>Suspicion multiplier: the unconfirmed suspicion timeout is this * ceil(log10(n + 1)) probe intervals (at least one probe timeout). Default 4.</summary>
    public int SuspicionMultiplier { get; set; } = 4;

    /// <summary>Rounds a dead or departed member is kept (so the news spreads and a late message cannot resurrect it) before it is reaped. Default 150 (30 s).</summary>
    public int ReapAfterRounds { get; set; } = 150;

    /// <summary>
    /// Rounds a reaped member's address is remembered so that this node keeps trying, now and then, to reach it again:
    /// the way both sides of a partition find each other once the network heals, however long they were apart (serf
    /// and Consul keep failed members 24 to 72 hours). One anti-entropy exchange every few seconds while any are
    /// remembered; at most 1,024 are. The same memory keeps stale news of a reaped member from bringing it back, and
    /// removed state keys (tombstones) are kept as long before they are collected. 0 makes no reconnect attempts (reaped
    /// members and tombstones are then kept for <see cref="ReapAfterRounds"/>). Default 432,000 (24 h at 200 ms).
    /// </summary>
    public int ReconnectForRounds { get; set; } = 432_000;

    /// <summary>
    /// Rounds between two attempts to reach a configured seed (see <see cref="GossipNode.Join"/>) that is not a live
    /// member, one seed per attempt, once this node is no longer alone. Heals the split that remains when nodes joined
    /// during a partition and each side only ever reached its own seeds. 0 turns it off. Default 150 (30 s).
    /// </summary>
    public int RetrySeedsEveryRounds { get; set; } = 150;

    /// <summary>
    /// Fewest rounds between two anti-entropy exchanges this node starts. Exchanges start when a probe's ack shows
    /// the peer's member-table hash differs from ours, so a cluster that agrees sends no digests at all. Default 5 (1 s).
    /// </summary>
    public int SyncEveryRounds { get; set; } = 5;

    /// <summary>Largest frame the node writes into a datagram. Default 1,400 bytes.</summary>
    public int MaxDatagramBytes { get; set; } = 1_400;

    /// <summary>Most rumors held for retransmission; when full the oldest is retired early (counted). Default 1,024.</summary>
    public int MaxRumors { get; set; } = 1_024;

    /// <summary>
    /// Most broadcasts (<see cref="GossipNode.Broadcast"/>) each node retains to resend to members that missed them
    /// (partitioned, paused, or their datagrams lost); the oldest is evicted first. A member behind by more than what
    /// its peers retain gets a <see cref="GossipEventKind.BroadcastGap"/> event for the broadcasts no one can resend. 0
    /// retains none (every broadcast rumor mongering misses becomes a gap). Default 1,024.
    /// </summary>
    public int MaxRetainedBroadcasts { get; set; } = 1_024;

    /// <summary>Most payload bytes of retained broadcasts (see <see cref="MaxRetainedBroadcasts"/>); the oldest is evicted first. Default 1 MiB.</summary>
    public long MaxRetainedBroadcastBytes { get; set; } = 1 << 20;

    /// <summary>
    /// How long a broadcast is retained for resending (see <see cref="MaxRetainedBroadcasts"/>), counted in rounds of
    /// <see cref="GossipInterval"/> from when this node received it: a member away longer than this (partitioned,
    /// paused, stopped) gets a gap event for what it missed. Default 10 minutes.
    /// </summary>
    public TimeSpan BroadcastRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Most broadcast origins (one per origin process) whose delivery progress each node tracks; when full, the one heard
    /// of least recently is forgotten (counted in <see cref="NodeCounters.LimitHits"/>), and a forgotten origin's retained
    /// broadcasts may be delivered again if it is learned anew. Keep it above the number of processes that broadcast
    /// within <see cref="BroadcastRetention"/>. Default 1,024.
    /// </summary>
    public int MaxBroadcastOrigins { get; set; } = 1_024;

    /// <summary>
    /// How far ahead of this node's own progress a peer's claimed progress on an origin's broadcasts is believed; a
    /// claim beyond it is clamped and counted (<see cref="NodeCounters.BroadcastClaimsDropped"/>), so an absurd or
    /// forged sequence number cannot send this node after broadcasts that were never sent or make it skip real ones.
    /// Between 64 and 2^24. Default 65,536.
    /// </summary>
    public int MaxBroadcastLead { get; set; } = 65_536;

    /// <summary>Most members tracked; joins beyond it are dropped (counted). Default 131,072.</summary>
    public int MaxMembers { get; set; } = 131_072;

    /// <summary>
    /// The cluster size to budget retransmits for when this node holds only a partial view (<see cref="MaxMembers"/>
    /// below the cluster size): a rumor or event is sent <c>RetransmitMultiplier * ceil(log10(n + 1))</c> times, and
    /// sized by a 33-member view instead of the 10,000-node cluster it must reach it leaves about one node in 3,000
    /// without it. 0 (default) uses the members known.
    /// </summary>
    public int ClusterSizeHint { get; set; }

    /// <summary>
    /// Most application-state keys per member, removed keys included until their tombstones are collected
    /// (<see cref="ReconnectForRounds"/> after the removal, at least <see cref="ReapAfterRounds"/>). Default 1,024.
    /// </summary>
    public int MaxKeysPerMember { get; set; } = 1_024;

    /// <summary>
    /// Most entries of the replicated map (<see cref="GossipNode.SetData"/>), tombstones included until they are
    /// collected. A write of a new key beyond it is refused (<see cref="InvalidOperationException"/> locally; counted in
    /// <see cref="NodeCounters.DataEntriesDropped"/> and <see cref="NodeCounters.LimitHits"/> when it comes from a peer).
    /// A million entries of short keys and values take about 100 MB. Default 1,000,000.
    /// </summary>
    public int MaxDataEntries { get; set; } = 1_000_000;

    /// <summary>Longest replicated-map key, in bytes: 1 to 255, and within <see cref="WireLimits.MaxKeyBytes"/>. Default 128.</summary>
    public int MaxDataKeyBytes { get; set; } = 128;

    /// <summary>Largest replicated-map value, in bytes: 0 to 1,024, and within <see cref="WireLimits.MaxValueBytes"/>. Default 1,024.</summary>
    public int MaxDataValueBytes { get; set; } = 1_024;

    /// <summary>
    /// How long a removed replicated-map key is kept as a tombstone before it is collected, counted from the removal's
    /// stamp. It must outlast the membership reconnect window (<see cref="ReconnectForRounds"/> rounds): a node cut off
    /// for that long is still welcomed back, and if a tombstone were gone by then its old copy of the key would return.
    /// A shorter value is raised to that window plus one hour. Default 25 hours (the default window is 24 hours).
    /// </summary>
    public TimeSpan DataTombstoneRetention { get; set; } = TimeSpan.FromHours(25);

    /// <summary>
    /// Most bytes of Merkle-repair traffic (tree levels and entries) a node sends per round; a repair that needs more
    /// continues in later rounds (the roots still differ, so the next probe starts it again). At least 2,048, at most
    /// 60,000 (one repair answer is at most one frame). Default 60,000.
    /// </summary>
    public int DataRepairBytesPerRound { get; set; } = 60_000;

    /// <summary>
    /// Rounds per aggregation epoch; estimates are those of the last completed epoch. Must be the same on every node.
    /// Default 96 (19 s at 200 ms). Push-sum needs O(log n + log 1/error) rounds; the tests reach 1e-6 relative error
    /// with 64-round epochs at 32 and 64 nodes. Larger clusters or tighter error want longer epochs.
    /// </summary>
    public int AggregationEpochRounds { get; set; } = 96;

    /// <summary>Most change notifications queued for the application; beyond it the oldest are dropped (counted). 0 disables notifications. Default 1,024.</summary>
    public int EventCapacity { get; set; } = 1_024;

    /// <summary>Most received frames queued for the node's executor; beyond it frames are dropped (counted). Default 4,096.</summary>
    public int MaxMailboxFrames { get; set; } = 4_096;

    /// <summary>
    /// Most bytes of received frames queued for the node's executor, counted as the pooled buffers that hold them (a
    /// frame's length rounded up to a power of two, at least 16); beyond it frames are dropped (counted as
    /// <c>LimitExceeded</c>). Frames are queued only while the node is busy; one it takes at once is not queued. Bounds
    /// what a flood of frames, stream frames of up to 1 MiB included, can make the node hold before checking them:
    /// with <see cref="MaxMailboxFrames"/> alone that was 4,096 frames of up to 1 MiB. At least 65,536; default 16 MiB.
    /// </summary>
    public long MaxMailboxBytes { get; set; } = 16L << 20;

    /// <summary>
    /// The cluster's AES-GCM keys: every frame is sealed with the primary key (derived per sender) and opened with any
    /// key of the ring, so keys rotate while the cluster runs (see <see cref="KeyRing"/>). Required: a node without a
    /// key ring refuses to be created (<see cref="ClusterKeyRequiredException"/>) unless <see cref="AllowPlaintext"/> is
    /// set. Give each node its own ring, even when the nodes of one process share the cluster key. Default null.
    /// </summary>
    public KeyRing? Keys { get; set; }

    /// <summary>
    /// Opts in to plain frames (a CRC-32 trailer, no authentication) when <see cref="Keys"/> is null: only for closed
    /// networks, tests and simulations. Anyone who can reach the node's port can then speak for any member; the node
    /// logs a warning when it starts. Ignored when <see cref="Keys"/> is set. Default false: a node needs a key.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>
    /// Limits what a node does for a datagram from an address that is not a live member's (the member table holds no
    /// live member at that address) in plaintext: its answers total at most the bytes it sent, never go over a stream,
    /// and are rate-limited per source (no amplification); a ping-req from it, or naming a target that is not a live
    /// member at the address given, is refused (no reflection). With a key ring, a frame that authenticated comes from
    /// a key holder, and is answered as a member's (a ping-req from an address not verified is answered once, bare).
    /// Turn off only for plaintext clusters with partial views (<see cref="MaxMembers"/> below the cluster size), where
    /// members must answer members they do not hold; the deterministic simulation does. Default true.
    /// </summary>
    public bool NonMemberGuard { get; set; } = true;

    /// <summary>Wire limits applied to received frames. Default <see cref="WireLimits.Datagram"/> sized to <see cref="MaxDatagramBytes"/>.</summary>
    public WireLimits? Limits { get; set; }

    /// <summary>
    /// Checks every option; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one, or
    /// <see cref="ClusterKeyRequiredException"/> when there is neither a key ring nor an explicit opt-in to plaintext.
    /// </summary>
    public void Validate()
    {
        Check(GossipInterval > TimeSpan.Zero, nameof(GossipInterval));
        Check(Fanout is >= 1 and <= 64, nameof(Fanout));
        Check(Enum.IsDefined(Mode), nameof(Mode));
        Check(RetransmitMultiplier is >= 1 and <= 64, nameof(RetransmitMultiplier));
        Check(EagerPushFanout is >= 1 and <= 64, nameof(EagerPushFanout));
        Check(ProbeEveryRounds >= 1, nameof(ProbeEveryRounds));
        Check(ProbeTimeoutRounds >= 1 && ProbeTimeoutRounds * 2 <= ProbeEveryRounds, nameof(ProbeTimeoutRounds));
        Check(MaxLocalHealthScore is >= 0 and <= 64, nameof(MaxLocalHealthScore));
        Check(IndirectProbes is >= 0 and <= 16, nameof(IndirectProbes));
        Check(SuspicionConfirmations >= 1, nameof(SuspicionConfirmations));
        Check(SuspicionMultiplier >= 1, nameof(SuspicionMultiplier));
        Check(ReapAfterRounds >= 1, nameof(ReapAfterRounds));
        Check(ReconnectForRounds >= 0, nameof(ReconnectForRounds));
        Check(RetrySeedsEveryRounds >= 0, nameof(RetrySeedsEveryRounds));
        Check(SyncEveryRounds >= 1, nameof(SyncEveryRounds));
        Check(MaxClockSkew >= TimeSpan.FromSeconds(1) && MaxClockSkew <= TimeSpan.FromDays(30), nameof(MaxClockSkew));
        Check(MaxDatagramBytes is >= 256 and <= 65_507, nameof(MaxDatagramBytes));
        Check(MaxRumors >= 1, nameof(MaxRumors));
        Check(MaxRetainedBroadcasts >= 0, nameof(MaxRetainedBroadcasts));
        Check(MaxRetainedBroadcastBytes >= 0, nameof(MaxRetainedBroadcastBytes));
        Check(BroadcastRetention >= TimeSpan.Zero, nameof(BroadcastRetention));
        Check(MaxBroadcastOrigins >= 1, nameof(MaxBroadcastOrigins));
        Check(MaxBroadcastLead is >= 64 and <= 1 << 24, nameof(MaxBroadcastLead));
        Check(MaxMembers >= 2, nameof(MaxMembers));
        Check(ClusterSizeHint >= 0, nameof(ClusterSizeHint));
        Check(MaxKeysPerMember >= 1, nameof(MaxKeysPerMember));
        Check(MaxDataEntries >= 1, nameof(MaxDataEntries));
        Check(MaxDataKeyBytes is >= 1 and <= 255, nameof(MaxDataKeyBytes));
        Check(MaxDataValueBytes is >= 0 and <= 1_024, nameof(MaxDataValueBytes));
        Check(DataTombstoneRetention > TimeSpan.Zero, nameof(DataTombstoneRetention));
        Check(DataRepairBytesPerRound is >= 2_048 and <= 60_000, nameof(DataRepairBytesPerRound));
        Check(AggregationEpochRounds >= 4, nameof(AggregationEpochRounds));
        Check(EventCapacity >= 0, nameof(EventCapacity));
        Check(MaxMailboxFrames >= 1, nameof(MaxMailboxFrames));
        Check(MaxMailboxBytes >= 65_536, nameof(MaxMailboxBytes));
        if (Keys is null && !AllowPlaintext)
        {
            throw new ClusterKeyRequiredException();
        }
    }

    private static void Check(bool ok, string name)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"GossipOptions.{name} is out of range.");
        }
    }
}
