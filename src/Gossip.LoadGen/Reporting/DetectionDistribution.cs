using Gossip.LoadGen.Measurement;

namespace Gossip.LoadGen.Reporting;

/// <summary>
/// Detection times over a series of crashes, one at a time (docs/measurement.md, "Failure-detection time"): nearest-rank
/// p50, p90 and maximum for the first detector (first observer to declare the crashed node dead) and the last detector
/// (until every observer has). A crash not detected by every observer within the timeout counts as infinitely slow.
/// </summary>
internal sealed record DetectionDistribution
{
    /// <summary>Crashes measured.</summary>
    public required int Crashes { get; init; }

    /// <summary>Crashes that every observer declared dead within the timeout.</summary>
    public required int DetectedByAll { get; init; }

    /// <summary>First detector, p50, ms.</summary>
    public required double FirstP50Ms { get; init; }

    /// <summary>First detector, p90, ms.</summary>
    public required double FirstP90Ms { get; init; }

    /// <summary>First detector, slowest crash, ms.</summary>
    public required double FirstMaxMs { get; init; }

    /// <summary>Last detector (every observer), p50, ms.</summary>
    public required double LastP50Ms { get; init; }

    /// <summary>Last detector, p90, ms.</summary>
    public required double LastP90Ms { get; init; }

    /// <summary>Last detector, slowest crash, ms.</summary>
    public required double LastMaxMs { get; init; }

    /// <summary>Last detector in rounds, p50.</summary>
    public required double LastP50Rounds { get; init; }

    /// <summary>Last detector in rounds, p90.</summary>
    public required double LastP90Rounds { get; init; }

    /// <summary>Last detector in rounds, slowest crash.</summary>
    public required double LastMaxRounds { get; init; }

    /// <summary>Every crash, in the order they happened.</summary>
    public required IReadOnlyList<CrashDetection> PerCrash { get; init; }

    /// <summary>The distribution of <paramref name="crashes"/>; every figure NaN when there are none.</summary>
    public static DetectionDistribution Of(IReadOnlyList<CrashDetection> crashes)
    {
        ArgumentNullException.ThrowIfNull(crashes);
        var first = new List<double>(crashes.Count);
        var last = new List<double>(crashes.Count);
        var lastRounds = new List<double>(crashes.Count);
        int byAll = 0;
        foreach (CrashDetection c in crashes)
        {
            first.Add(c.FirstMs);
            last.Add(c.LastMs);
            lastRounds.Add(c.LastRounds);
            byAll += double.IsFinite(c.LastMs) ? 1 : 0;
        }

        return new DetectionDistribution
        {
            Crashes = crashes.Count,
            DetectedByAll = byAll,
            FirstP50Ms = Percentiles.Of(first, 50),
            FirstP90Ms = Percentiles.Of(first, 90),
            FirstMaxMs = Percentiles.Of(first, 100),
            LastP50Ms = Percentiles.Of(last, 50),
            LastP90Ms = Percentiles.Of(last, 90),
            LastMaxMs = Percentiles.Of(last, 100),
            LastP50Rounds = Percentiles.Of(lastRounds, 50),
            LastP90Rounds = Percentiles.Of(lastRounds, 90),
            LastMaxRounds = Percentiles.Of(lastRounds, 100),
            PerCrash = crashes,
        };
    }
}
