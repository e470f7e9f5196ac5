namespace Gossip.LoadGen.Tests.Fakes;

/// <summary>A clock that moves only when told; microsecond timestamps, so conversions to TimeSpan are exercised.</summary>
internal sealed class ManualClock : TimeProvider
{
    public long Micros { get; set; }

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Micros;

    public TimeSpan Now => TimeSpan.FromTicks(Micros * 10);

    public void AdvanceTo(TimeSpan time) => Micros = time.Ticks / 10;
}
