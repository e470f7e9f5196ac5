using Gossip.Engine.Membership;

namespace Gossip.Engine.FailureDetection;

/// <summary>The probe this node has in flight (at most one scheduled probe at a time, as in SWIM).</summary>
internal struct PendingProbe
{
    public Member? Target;
    public uint Sequence;
    public long SentRound;
    public bool IndirectSent;
    public bool Acked;
}
