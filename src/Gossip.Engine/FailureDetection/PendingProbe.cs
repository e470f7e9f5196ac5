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

    /// <summary>Helpers asked to probe the target for us.</summary>
    public int HelpersAsked;

    /// <summary>A failed probe suspects the target even if nobody else does (a check of news we did not believe).</summary>
    public bool SuspectOnFailure;

    /// <summary>Nacks heard from them: each proves our path to that helper works both ways.</summary>
    public int Nacks;
}
