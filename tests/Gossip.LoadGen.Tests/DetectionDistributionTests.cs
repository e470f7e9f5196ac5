using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Tests;

/// <summary>Detection as a distribution over a list of crashes: nearest-rank percentiles, as docs/measurement.md defines them.</summary>
public sealed class DetectionDistributionTests
{
    [Fact]
    public void Percentiles_OfTwentyCrashes_ReportsP50P90AndMax()
    {
        // Given out of order: the last detector at 1.1, 1.2, ..., 3.0 s; the first detector always 1 s earlier.
        int[] order = [7, 19, 0, 12, 3, 15, 9, 1, 18, 5, 11, 16, 2, 8, 14, 4, 17, 10, 6, 13];
        var crashes = new List<CrashDetection>();
        foreach (int i in order)
        {
            double last = 1_100 + (100 * i);
            crashes.Add(Crash(first: last - 1_000, last, rounds: Math.Ceiling(last / 200)));
        }

        DetectionDistribution d = DetectionDistribution.Of(crashes);

        Assert.Equal((20, 20), (d.Crashes, d.DetectedByAll));
        // Nearest rank of 20: p50 is the 10th (2.0 s), p90 the 18th (2.8 s), the maximum the 20th (3.0 s).
        Assert.Equal((2_000.0, 2_800.0, 3_000.0), (d.LastP50Ms, d.LastP90Ms, d.LastMaxMs));
        Assert.Equal((1_000.0, 1_800.0, 2_000.0), (d.FirstP50Ms, d.FirstP90Ms, d.FirstMaxMs));
        Assert.Equal((10.0, 14.0, 15.0), (d.LastP50Rounds, d.LastP90Rounds, d.LastMaxRounds));
        Assert.Equal(crashes, d.PerCrash);
    }

    [Fact]
    public void ACrashNotDetectedByEveryObserver_CountsAsTheSlowest()
    {
        var crashes = new List<CrashDetection>();
        for (int i = 0; i < 19; i++)
        {
            crashes.Add(Crash(first: 1_000, last: 2_000, rounds: 10));
        }

        crashes.Add(Crash(first: 1_500, last: double.PositiveInfinity, rounds: double.PositiveInfinity));

        DetectionDistribution d = DetectionDistribution.Of(crashes);

        Assert.Equal(19, d.DetectedByAll);
        Assert.Equal((2_000.0, 2_000.0), (d.LastP50Ms, d.LastP90Ms));
        Assert.Equal(double.PositiveInfinity, d.LastMaxMs);
        Assert.Equal(1_500.0, d.FirstMaxMs);
    }

    [Fact]
    public void NoCrashes_GiveNoFigures()
    {
        DetectionDistribution d = DetectionDistribution.Of([]);

        Assert.Equal(0, d.Crashes);
        Assert.True(double.IsNaN(d.LastP50Ms) && double.IsNaN(d.FirstMaxMs));
    }

    private static CrashDetection Crash(double first, double last, double rounds) =>
        new() { Victim = 1, FirstMs = first, LastMs = last, LastRounds = rounds, DetectedBy = 9, Expected = 9 };
}
