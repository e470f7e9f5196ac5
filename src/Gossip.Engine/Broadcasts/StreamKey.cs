using Gossip.Wire;

namespace Gossip.Engine.Broadcasts;

/// <summary>One origin process's broadcasts: the origin and its generation (a restarted origin numbers from 1 again).</summary>
internal readonly record struct StreamKey(NodeId Origin, uint Generation);
