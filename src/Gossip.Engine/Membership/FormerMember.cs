using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// A member reaped after it was declared dead or left: remembered (id, generation, address) so that it can be reached
/// again after a partition, and (with its incarnation and the highest heartbeat it can have reached before it went down)
/// so that stale news of that generation does not bring it back.
/// </summary>
internal readonly record struct FormerMember(NodeId Id, uint Generation, WireAddress Address, long ReapedRound, ulong Heartbeat, uint Incarnation, bool Left)
{
    /// <summary>
    /// A delta brings the member back only with a newer generation (a restart), or with this generation and a heartbeat
    /// past <see cref="Heartbeat"/> (it kept running: the other side of a healed partition); a lower one is stale news.
    /// </summary>
    public bool AllowsDelta(uint generation, ulong heartbeat) =>
        generation > Generation || (generation == Generation && heartbeat > Heartbeat);

    /// <summary>
    /// An alive or join notice brings the member back only with a newer generation, or with this generation and a higher
    /// incarnation (a refutation), which for a member that left must come from itself (as for one not yet reaped).
    /// </summary>
    public bool AllowsNotice(uint generation, uint incarnation, bool fromItself) =>
        generation > Generation || (generation == Generation && incarnation > Incarnation && (!Left || fromItself));
}
