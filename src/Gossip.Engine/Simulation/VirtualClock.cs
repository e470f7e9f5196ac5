namespace Gossip.Engine.Simulation;

/// <summary>
/// Virtual time for simulation: timestamps are ticks of virtual time (<see cref="TimeSpan.TicksPerSecond"/> per
/// second) and only move when the <see cref="SimulatedNetwork"/> runs events. UTC time is a fixed epoch plus the
/// virtual time, so clock-derived values (aggregation epochs) are reproducible.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Virtual time elapsed since the simulation started.</summary>
    public TimeSpan Now { get; private set; }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => Now.Ticks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch + Now;

    internal void AdvanceTo(TimeSpan time)
    {
        if (time > Now)
        {
            Now = time;
        }
    }
}
