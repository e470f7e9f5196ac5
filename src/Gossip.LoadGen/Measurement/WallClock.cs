namespace Gossip.LoadGen.Measurement;

/// <summary>
/// Converts between a <see cref="TimeProvider"/>'s monotonic timestamps (what node events carry) and Unix time in
/// milliseconds (what processes on several hosts can compare), through one pair read together at construction.
/// </summary>
/// <remarks>
/// Processes agree on times only as well as their hosts' clocks agree (NTP keeps them within milliseconds, well below
/// the seconds a detection takes); within one process the conversion is monotonic, so durations measured in it are
/// exact.
/// </remarks>
internal sealed class WallClock
{
    private readonly TimeProvider _time;
    private readonly long _anchorTimestamp;
    private readonly double _anchorUnixMs;

    /// <summary>Anchors the conversion at the present moment of <paramref name="time"/>.</summary>
    public WallClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _anchorTimestamp = time.GetTimestamp();
        _anchorUnixMs = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The clock the timestamps come from.</summary>
    public TimeProvider Time => _time;

    /// <summary>Unix time now, ms.</summary>
    public double NowUnixMs => ToUnixMs(_time.GetTimestamp());

    /// <summary>The Unix time, ms, of <paramref name="timestamp"/>.</summary>
    public double ToUnixMs(long timestamp) => _anchorUnixMs + ((timestamp - _anchorTimestamp) * 1000.0 / _time.TimestampFrequency);

    /// <summary>The timestamp of Unix time <paramref name="unixMs"/>.</summary>
    public long ToTimestamp(double unixMs) => _anchorTimestamp + (long)((unixMs - _anchorUnixMs) / 1000.0 * _time.TimestampFrequency);

    /// <summary>Time left until Unix time <paramref name="unixMs"/>; zero when it has passed.</summary>
    public TimeSpan Until(double unixMs)
    {
        double ms = unixMs - NowUnixMs;
        return ms > 0 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
    }
}
