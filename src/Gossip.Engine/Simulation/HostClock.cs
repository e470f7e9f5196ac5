namespace Gossip.Engine.Simulation;

/// <summary>
/// One simulated host's view of the <see cref="VirtualClock"/>: the same monotonic timestamps (a wall-clock step does
/// not move a monotonic clock) and a wall clock that can be stepped by <see cref="SimulatedCluster.StepClock"/>.
/// </summary>
internal sealed class HostClock(VirtualClock clock) : TimeProvider
{
    /// <summary>How far this host's wall clock is from true virtual time.</summary>
    public TimeSpan Offset { get; set; }

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override long GetTimestamp() => clock.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow() + Offset;
}
