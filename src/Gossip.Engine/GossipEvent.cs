using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>What a <see cref="GossipEvent"/> reports.</summary>
public enum GossipEventKind : byte
{
    /// <summary>A member joined, or restarted with a higher generation.</summary>
    MemberJoined = 1,
    /// <summary>A member is suspected of having failed.</summary>
    MemberSuspect,
    /// <summary>A suspected member proved it is alive.</summary>
    MemberAlive,
    /// <summary>A member was declared dead.</summary>
    MemberDead,
    /// <summary>A member left gracefully.</summary>
    MemberLeft,
    /// <summary>A member's application state changed (<see cref="GossipEvent.Key"/>).</summary>
    StateChanged,
    /// <summary>A user rumor arrived for the first time (<see cref="GossipEvent.Rumor"/>, <see cref="GossipEvent.Payload"/>).</summary>
    RumorReceived,
    /// <summary>
    /// Broadcasts of <see cref="GossipEvent.Member"/> that this node missed and no peer retains any more (it was away
    /// longer than <see cref="GossipOptions.BroadcastRetention"/>, or more was broadcast meanwhile than peers retain):
    /// <see cref="GossipEvent.Rumor"/> is the first missed, <see cref="GossipEvent.LastMissed"/> the last. They will not
    /// be delivered; later ones are.
    /// </summary>
    BroadcastGap,
    /// <summary>
    /// A replicated-map key changed, by a local write or a newer version from a peer: <see cref="GossipEvent.Payload"/>
    /// is the key, <see cref="GossipEvent.Member"/> the node that wrote the version now held (read it with
    /// <see cref="GossipNode.TryGetData"/>).
    /// </summary>
    DataChanged,
}

/// <summary>
/// A change notification, queued without blocking the engine. <see cref="Timestamp"/> is the node's <see cref="TimeProvider"/>
/// timestamp when it happened. <see cref="LastMissed"/> is set for <see cref="GossipEventKind.BroadcastGap"/> only.
/// </summary>
public readonly record struct GossipEvent(GossipEventKind Kind, NodeId Member, long Timestamp, string? Key = null, RumorId Rumor = default, ReadOnlyMemory<byte> Payload = default, RumorId LastMissed = default);
