using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Runtime;

/// <summary>
/// What every component of one node shares: its identity, options, limits, counters, clock, random source, the
/// notification sink and the round number. Owned by the node's executor; the components read it, only
/// <see cref="GossipNode"/> advances <see cref="Round"/> and flips <see cref="Started"/> and <see cref="Stopped"/>.
/// </summary>
internal sealed class NodeContext
{
    public NodeContext(GossipOptions options, WireLimits limits, Member self, IRandomSource random, TimeProvider time, NodeCounters counters, NodeEvents events)
    {
        Options = options;
        Limits = limits;
        Self = self;
        Random = random;
        Time = time;
        Counters = counters;
        Events = events;
    }

    public GossipOptions Options { get; }

    /// <summary>Safety rules switched off by a mutation test; <see cref="ProtocolMutation.None"/> otherwise.</summary>
    public ProtocolMutation Mutations { get; init; }

    public WireLimits Limits { get; }

    /// <summary>This node's own entry in its member table.</summary>
    public Member Self { get; }

    public NodeId Id => Self.Id;

    public uint Generation => Self.Generation;

    public WireAddress Address => Self.Address;

    public IRandomSource Random { get; }

    public TimeProvider Time { get; }

    public NodeCounters Counters { get; }

    /// <summary>Change notifications for the application.</summary>
    public NodeEvents Events { get; }

    /// <summary>Rounds run so far (a field: <see cref="GossipNode.Round"/> reads it with a volatile read from other threads).</summary>
    public long Round;

    public bool Started { get; set; }

    public bool Stopped { get; set; }
}
