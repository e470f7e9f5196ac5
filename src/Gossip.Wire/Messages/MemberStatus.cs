namespace Gossip.Wire;

/// <summary>A member's status as gossiped. Ordered by precedence for the same generation: a later status overrides an earlier one.</summary>
public enum MemberStatus : byte
{
    /// <summary>Taking part; heartbeat advancing.</summary>
    Alive = 0,
    /// <summary>Missed probes; will be declared dead unless it refutes or enough time passes without confirmation.</summary>
    Suspect = 1,
    /// <summary>Declared dead; reaped after the grace period.</summary>
    Dead = 2,
    /// <summary>Left gracefully; reaped after the grace period.</summary>
    Left = 3,
}
