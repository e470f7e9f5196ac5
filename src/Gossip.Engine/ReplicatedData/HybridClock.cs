namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// A hybrid logical clock: a stamp is milliseconds since the Unix epoch in the high 48 bits and a logical counter in the
/// low 16. A node's stamps only grow, never fall behind a stamp it has taken from a peer, and stay close to its wall
/// clock, so "last writer wins" means the write made last by the wall clock, except within clock skew, where causality
/// (a write made after seeing another) still orders correctly.
/// </summary>
internal sealed class HybridClock
{
    private ulong _last;

    /// <summary>Milliseconds since the Unix epoch of a stamp.</summary>
    public static long PhysicalMilliseconds(ulong stamp) => (long)(stamp >> 16);

    /// <summary>The stamp that starts at <paramref name="unixMilliseconds"/> (logical counter 0).</summary>
    public static ulong FromMilliseconds(long unixMilliseconds) => (ulong)Math.Max(0, unixMilliseconds) << 16;

    /// <summary>The newest stamp issued or observed.</summary>
    public ulong Last => _last;

    /// <summary>A stamp for a local write: the wall clock, or one past the last stamp when the clock has not moved beyond it.</summary>
    public ulong Next(long unixMilliseconds)
    {
        ulong physical = FromMilliseconds(unixMilliseconds);
        _last = physical > _last ? physical : _last + 1;
        return _last;
    }

    /// <summary>Takes a peer's stamp into account, so a later local write of the same key wins over it.</summary>
    public void Observe(ulong stamp)
    {
        if (stamp > _last)
        {
            _last = stamp;
        }
    }
}
