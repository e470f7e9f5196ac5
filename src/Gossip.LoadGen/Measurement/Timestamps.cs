namespace Gossip.LoadGen.Measurement;

/// <summary>Converts <see cref="TimeProvider"/> timestamps to durations and rounds, for any timestamp frequency (Stopwatch ticks on UDP, virtual ticks in simulation).</summary>
internal static class Timestamps
{
    /// <summary>The time from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static TimeSpan Between(long start, long end, long frequency) =>
        TimeSpan.FromTicks((long)Math.Round((end - start) * ((double)TimeSpan.TicksPerSecond / frequency)));

    /// <summary>
    /// Gossip rounds a duration spans: a rumor that arrives within the first interval took one round. Used to
    /// report simulation figures in rounds, as docs/measurement.md ("Dissemination time") asks.
    /// </summary>
    public static int Rounds(TimeSpan elapsed, TimeSpan interval) =>
        elapsed <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(elapsed.Ticks / (double)interval.Ticks - 1e-9);
}
