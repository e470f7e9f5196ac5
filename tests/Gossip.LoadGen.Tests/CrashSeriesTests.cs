using System.Text.RegularExpressions;
using Gossip.Engine;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Tests.Fakes;

namespace Gossip.LoadGen.Tests;

/// <summary>Crashes one after another on the scripted cluster (<see cref="FakeCluster"/>: the live nodes declare a crashed node dead in index order, 1,000 ms + 200 ms * rank after the crash).</summary>
public sealed class CrashSeriesTests
{
    [Fact]
    public void TwentyCrashes_OneAtATime_EachDetectedByTheNodesStillLive()
    {
        using var cluster = new FakeCluster(41, falsePositive: false);
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(200));
        var series = new CrashSeries(cluster, runner);

        series.Run(20, new SeededRandom(7), TimeSpan.FromSeconds(60), roundsBetween: 5);

        // Crashed nodes stay down: the k-th crash (from 0) is expected of 40 - k observers, the last of them 1,000 + 200 * (39 - k) ms after it.
        Assert.Equal(20, series.Detections.Count);
        for (int k = 0; k < 20; k++)
        {
            CrashDetection c = series.Detections[k];
            Assert.Equal((40 - k, 40 - k), (c.DetectedBy, c.Expected));
            Assert.Equal((1_000.0, 1_000.0 + (200 * (39 - k))), (c.FirstMs, c.LastMs));
        }

        int[] victims = [.. series.Detections.Select(c => c.Victim)];
        Assert.Equal(20, victims.Distinct().Count());
        Assert.DoesNotContain(0, victims);
        Assert.All(victims, v => Assert.False(cluster.IsLive(v)));
        Assert.Equal(20, series.CrashedAt.Count);

        // Last detector over the 20 crashes: 5,000 .. 8,800 ms in steps of 200; nearest rank p50 is the 10th, p90 the 18th.
        DetectionDistribution d = DetectionDistribution.Of(series.Detections);
        Assert.Equal((6_800.0, 8_400.0, 8_800.0), (d.LastP50Ms, d.LastP90Ms, d.LastMaxMs));
        Assert.Equal((34.0, 42.0, 44.0), (d.LastP50Rounds, d.LastP90Rounds, d.LastMaxRounds));
    }

    [Fact]
    public void Crashes_AreRecordedAsPhases_WithASettleBetweenThem()
    {
        using var cluster = new FakeCluster(9, falsePositive: false);
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(200));

        new CrashSeries(cluster, runner).Run(2, new SeededRandom(1), TimeSpan.FromSeconds(60), roundsBetween: 5);

        Assert.Equal(
            ["crash 1/2: crash node N", "crash 1/2: failure detection", "crash 2/2: settle", "crash 2/2: crash node N", "crash 2/2: failure detection"],
            runner.Phases.Select(p => Regex.Replace(p.Name, @"node [1-8]$", "node N")));
        Assert.Equal(1.0, runner.Phases[2].Seconds, 9);
    }

    [Fact]
    public void AskedForMoreCrashesThanTheClusterTakes_KeepsMoreThanHalfOfItLive()
    {
        using var cluster = new FakeCluster(9, falsePositive: false);
        var series = new CrashSeries(cluster, new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(200)));

        series.Run(20, new SeededRandom(3), TimeSpan.FromSeconds(60), roundsBetween: 5);

        Assert.Equal(4, series.Detections.Count);
        Assert.Equal((0, 1, 1, 4, 63), (CrashSeries.MaxCrashes(1), CrashSeries.MaxCrashes(2), CrashSeries.MaxCrashes(4), CrashSeries.MaxCrashes(9), CrashSeries.MaxCrashes(128)));
    }

    [Fact]
    public void ACrashNoOneDetects_IsInfinitelySlow_AndTheSeriesGoesOn()
    {
        using var cluster = new FakeCluster(9, falsePositive: false);
        var series = new CrashSeries(cluster, new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(200)));

        // The fake's first declaration comes 1 s after a crash: a 0.6 s timeout sees none.
        series.Run(2, new SeededRandom(3), TimeSpan.FromMilliseconds(600), roundsBetween: 5);

        Assert.Equal(2, series.Detections.Count);
        Assert.All(series.Detections, c => Assert.Equal((0, double.PositiveInfinity, double.PositiveInfinity), (c.DetectedBy, c.FirstMs, c.LastMs)));
    }
}
