using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>What a node knows of one member, as of the last membership change it published.</summary>
public readonly record struct MemberSnapshot(NodeId Id, uint Generation, uint Incarnation, MemberStatus Status, WireAddress Address, ulong MaxVersion);
