using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>A member reaped after it was declared dead or left: remembered (id, generation, address) so that it can be reached again after a partition.</summary>
internal readonly record struct FormerMember(NodeId Id, uint Generation, WireAddress Address, long ReapedRound);
