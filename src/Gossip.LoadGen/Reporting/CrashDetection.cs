namespace Gossip.LoadGen.Reporting;

/// <summary>One crash of a detection series (docs/measurement.md, "Failure-detection time"): how long until the first and the last observer declared it dead.</summary>
internal sealed record CrashDetection
{
    /// <summary>Index of the crashed node in the cluster.</summary>
    public required int Victim { get; init; }

    /// <summary>Crash until the first observer declared it dead, ms (Infinity: none did within the timeout).</summary>
    public required double FirstMs { get; init; }

    /// <summary>Crash until the last observer declared it dead, ms (Infinity: not every observer did within the timeout).</summary>
    public required double LastMs { get; init; }

    /// <summary><see cref="LastMs"/> in rounds (elapsed / interval, rounded up).</summary>
    public required double LastRounds { get; init; }

    /// <summary>Observers that declared it dead.</summary>
    public required int DetectedBy { get; init; }

    /// <summary>Observers: the live nodes that listed it as a member when it crashed.</summary>
    public required int Expected { get; init; }
}
