namespace Gossip.Engine.Runtime;

/// <summary>A high-water mark several threads raise without a lock (the byte bounds report their peaks).</summary>
internal static class AtomicPeak
{
    /// <summary>Raises <paramref name="peak"/> to <paramref name="value"/> if that is higher; a concurrent higher value wins.</summary>
    public static void Raise(ref long peak, long value)
    {
        long seen = Volatile.Read(ref peak);
        while (value > seen)
        {
            long previous = Interlocked.CompareExchange(ref peak, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
