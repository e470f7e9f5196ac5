using System.Collections.Concurrent;
using Gossip.Engine.FailureDetection;
using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>What a node knows of one member (itself included). Owned by the node's executor; <see cref="State"/> is also read by application threads.</summary>
internal sealed class Member
{
    public Member(NodeId id, uint generation, WireAddress address)
    {
        Id = id;
        Generation = generation;
        Address = address;
    }

    public NodeId Id { get; }

    public uint Generation { get; set; }

    public uint Incarnation { get; set; }

    public MemberStatus Status { get; set; }

    public WireAddress Address { get; set; }

    /// <summary>The member's own heartbeat counter as last seen; advances every round it takes part.</summary>
    public ulong Heartbeat { get; set; }

    /// <summary>Local round at which <see cref="Heartbeat"/> last advanced.</summary>
    public long HeartbeatRound { get; set; }

    /// <summary>
    /// Local round at which the member's heartbeat last advanced in a frame of its own (a ping, an ack, or an ack a
    /// helper relayed from it). Only this clears a suspicion: a heartbeat passed on in a digest can be older than the
    /// member's end and keep a departed member alive in a view that missed its death.
    /// </summary>
    public long HeardRound { get; set; }

    /// <summary>Local round of the last status change (drives reaping).</summary>
    public long StatusRound { get; set; }

    /// <summary>Highest version among the member's state entries.</summary>
    public ulong MaxVersion { get; set; }

    /// <summary>Local round of the last ping sent to check news of a restart relayed by others (see <c>MembershipRules.CheckRestart</c>).</summary>
    public long RestartCheckRound { get; set; } = long.MinValue / 2;

    /// <summary>Removed keys (tombstones) among <see cref="State"/>, not yet collected (owner thread).</summary>
    public int Tombstones { get; set; }

    /// <summary>Highest version among this member's removed keys whose tombstones were collected here: an entry of an unknown key at or below it may be one of them coming back.</summary>
    public ulong CollectedVersion { get; set; }

    /// <summary>This member's contribution to the table hash (0 when dead or left).</summary>
    public ulong Hash { get; set; }

    /// <summary>Set while the member is suspected.</summary>
    public Suspicion? Suspicion { get; set; }

    /// <summary>Removed from the table; selectors holding a reference skip it.</summary>
    public bool Removed { get; set; }

    private ConcurrentDictionary<string, StateEntry>? _state;

    /// <summary>Versioned application state (owner-written, readable from any thread); created on first write so stateless members cost nothing.</summary>
    public ConcurrentDictionary<string, StateEntry> State => _state ??= new(StringComparer.Ordinal);

    /// <summary>The state if any was ever written (safe from any thread).</summary>
    public ConcurrentDictionary<string, StateEntry>? StateOrNull => Volatile.Read(ref _state);

    public bool IsLive => Status is MemberStatus.Alive or MemberStatus.Suspect;

    public DigestEntry ToDigest() => new(Id, Generation, Status, Heartbeat, MaxVersion);

    public NodeStateHeader ToStateHeader(ulong fromVersion) => new(Id, Generation, Status, Heartbeat, Address, fromVersion);

    public MemberSnapshot ToSnapshot() => new(Id, Generation, Incarnation, Status, Address, MaxVersion);
}
