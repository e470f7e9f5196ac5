using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Tests.Fakes;

namespace Gossip.LoadGen.Tests;

/// <summary>The whole targets run on a scripted cluster and a fake process meter: every figure is known exactly (see <see cref="FakeCluster"/>).</summary>
public sealed class TargetsRunTests
{
    private static readonly TargetsSettings Settings = new()
    {
        CommandLine = "targets (fake)",
        Window = TimeSpan.FromSeconds(10),
        Poll = TimeSpan.FromMilliseconds(200),
        WarmupTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public void Targets_OnAFakeClusterAndMeter_GivesTheExactFigures()
    {
        using var cluster = new FakeCluster(4);
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings);

        // Warm-up: converged at 1 s; settle 30 rounds (6 s); window 7 s .. 17 s = 50 rounds of 4 nodes.
        Assert.True(r.Converged);
        Assert.Equal(1.0, r.WarmupSeconds, 9);
        Assert.Equal(4, r.ConvergedAtWarmupEnd);
        Assert.Equal(10.0, r.WindowSeconds, 9);
        Assert.Equal(200, r.NodeRounds);

        // CPU: 50 rounds * 10 ms = 0.5 s over 10 s = 5 % of a core; / 4 nodes = 1.25 %.
        Assert.Equal(5.0, r.CpuPercentProcess, 9);
        Assert.Equal(1.25, r.CpuPercentPerNode, 9);

        // Node 0: 100 sent + 50 received datagrams of 72 B = 10,800 + 150 * 28 = 15,000 B; the others 100 * (72 + 28) = 10,000 B.
        // 45,000 B / 4 nodes / 10 s = 1.125 KB/s; busiest 15,000 B / 10 s = 1.5 KB/s; (100 + 3 * 50) datagrams sent / 4 / 10 = 6.25/s.
        Assert.Equal(1.125, r.BandwidthKBpsPerNode, 9);
        Assert.Equal(1.5, r.BandwidthKBpsBusiestNode, 9);
        Assert.Equal(6.25, r.DatagramsPerNodePerSecond, 9);

        // 1,000 B per node-round; gen-0 GCs at rounds 50 and 75 fall in rounds 36..85, no gen-1 (round 100).
        Assert.Equal(1_000, r.AllocatedBytesPerNodeRound, 9);
        Assert.Equal((2, 0, 0), (r.Gen0Collections, r.Gen1Collections, r.Gen2Collections));

        // Rumor r reaches its last node 30 * (r + 1) ms after origination: 30, 60, ..., 300 ms.
        Assert.Equal((10, 10), (r.Rumors, r.RumorsComplete));
        Assert.Equal((150.0, 270.0, 300.0), (r.RumorP50Ms, r.RumorP90Ms, r.RumorP100Ms));
        Assert.Equal((1.0, 2.0, 2.0), (r.RumorP50Rounds, r.RumorP90Rounds, r.RumorP100Rounds));
        Assert.Equal([0.0, 0.25], r.FirstRumorSpread[0]);
        Assert.Equal([30.0, 1.0], r.FirstRumorSpread[^1]);

        // Four nodes take one crash (fewer than half): the other three declare it dead 1,000 / 1,200 / 1,400 ms later.
        CrashDetection crash = Assert.Single(r.Detection.PerCrash);
        Assert.Equal((3, 3), (crash.DetectedBy, crash.Expected));
        Assert.Equal((1_000.0, 1_400.0, 7.0), (r.Detection.FirstMaxMs, r.Detection.LastMaxMs, r.Detection.LastMaxRounds));
        Assert.Equal((1_400.0, 1_400.0), (r.Detection.LastP50Ms, r.Detection.LastP90Ms));

        // Node 3 was declared dead at 0.5 s by two nodes although it never crashed.
        Assert.Equal((1, 2), (r.FalsePositives, r.FalseDeathDeclarations));

        // Rumors: 6 * (200 ms + 1 s) + 4 * (400 ms + 1 s) = 12.8 s; detection 1.4 s: the run ends at 31.2 s.
        Assert.Equal(31.2, r.FalsePositiveWindowSeconds, 9);
    }

    [Fact]
    public void Targets_RecordsEveryPhase_InOrder()
    {
        using var cluster = new FakeCluster(4);
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings);

        Assert.Equal(new PhaseRecord("warm-up (until converged)", 0, 1.0, true), r.Phases[0]);
        Assert.Equal(new PhaseRecord("first contacts (every node has opened a frame of every live peer)", 1.0, 0, true), r.Phases[1]);
        Assert.Equal(new PhaseRecord("settle (join traffic dies down)", 1.0, 6.0, true), r.Phases[2]);
        Assert.Equal(new PhaseRecord("steady window", 7.0, 10.0, true), r.Phases[3]);
        Assert.Equal("rumor 1/10: originate", r.Phases[4].Name);
        Assert.StartsWith("crash 1/1: crash node ", r.Phases[^2].Name, StringComparison.Ordinal);
        Assert.Equal(new PhaseRecord("crash 1/1: failure detection", 29.8, 1.4, true), r.Phases[^1]);
        Assert.Equal(4 + (10 * 3) + 2, r.Phases.Count);
    }

    [Fact]
    public void Window_OpensOnlyWhenEveryPairHasMet()
    {
        // Encrypted, each pair's first meeting allocates a replay window and a key: the window must measure rounds, not those.
        using var cluster = new FakeCluster(4) { PairsMetAt = TimeSpan.FromSeconds(4) };
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings);

        Assert.Equal((1, true, 0), (r.UnmetPairsAtWarmupEnd, r.PairsMet, r.UnmetPairsAtWindowStart));
        Assert.Equal(3.0, r.FirstContactSeconds, 9);
        Assert.Equal(new PhaseRecord("steady window", 10.0, 10.0, true), r.Phases[3]);
    }

    [Fact]
    public void Window_OpensOnlyWhenTheJoinsStreamsHaveClosed()
    {
        // Settle ends at 7 s (converged at 1 s, 30 rounds of 200 ms); the joins' connections close at 20 s: the window
        // opens then, so their teardown is not measured as rounds.
        using var cluster = new FakeCluster(4) { StreamsClosedAt = TimeSpan.FromSeconds(20) };
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings);

        Assert.Equal((2, 0), (r.StreamsOpenAfterSettle, r.StreamsOpenAtWindowStart));
        Assert.Equal("join streams closed (idle connections time out)", r.Phases[3].Name);
        Assert.True(r.Phases[3].Completed);
        Assert.Equal("steady window", r.Phases[4].Name);
        Assert.True(r.Phases[4].StartSeconds >= 20.0, $"the window began at {r.Phases[4].StartSeconds} s");
    }

    [Fact]
    public void FirstContacts_ThatNeverComplete_AreReported_AndTheRunGoesOn()
    {
        using var cluster = new FakeCluster(4) { PairsMetAt = TimeSpan.MaxValue };
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings with { FirstContactTimeout = TimeSpan.FromSeconds(2) });

        Assert.Equal((1, false, 1), (r.UnmetPairsAtWarmupEnd, r.PairsMet, r.UnmetPairsAtWindowStart));
        Assert.Equal(2.0, r.FirstContactSeconds, 9);
        Assert.Equal(new PhaseRecord("steady window", 9.0, 10.0, true), r.Phases[3]);
    }

    [Fact]
    public void Verdict_SeedTargetsMet_GoalsJudgedButNotFatal()
    {
        using var cluster = new FakeCluster(4);
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings);

        Assert.True(r.SeedTargetsMet);
        Assert.Equal([true, true, false, false, true, true, true, false], r.Verdicts.Select(v => v.Met));
        Assert.Equal([true, true, false, false, false, false, false, false], r.Verdicts.Select(v => v.Fatal));
    }

    [Fact]
    public void Verdict_CpuOverTheSeedTarget_FailsTheRun()
    {
        DetectionDistribution fast = Detections(1_000);
        Assert.False(Verdicts.SeedTargetsMet(Verdicts.Judge(cpuPercentPerNode: 2.0, kbpsPerNode: 0.2, rumorP100Ms: 100, fast, falsePositives: 0)));
        Assert.False(Verdicts.SeedTargetsMet(Verdicts.Judge(cpuPercentPerNode: 0.01, kbpsPerNode: 60, rumorP100Ms: 100, fast, falsePositives: 0)));
        Assert.False(Verdicts.SeedTargetsMet(Verdicts.Judge(cpuPercentPerNode: double.NaN, kbpsPerNode: 0.2, rumorP100Ms: 100, fast, falsePositives: 0)));
        Assert.True(Verdicts.SeedTargetsMet(Verdicts.Judge(cpuPercentPerNode: 1.99, kbpsPerNode: 59.9, rumorP100Ms: double.PositiveInfinity, Detections(double.PositiveInfinity), falsePositives: 5)));
    }

    [Fact]
    public void DetectionGoal_IsTheLastDetectorsP50AndP90_AndNoFalsePositives()
    {
        // Ten crashes detected by all in 2.5 s, one in 3.5 s, nine in 4.5 s: p50 2.5 s (met), p90 4.5 s (missed).
        double[] last = [.. Enumerable.Repeat(2_500.0, 10), 3_500, .. Enumerable.Repeat(4_500.0, 9)];
        IReadOnlyList<GoalVerdict> v = Verdicts.JudgeDetection(Detections(last), falsePositives: 0, " at 10 % loss");

        Assert.Equal(["crash detected by every live node, p50 (ms) at 10 % loss", "crash detected by every live node, p90 (ms) at 10 % loss", "false positives (live nodes declared dead) at 10 % loss"], v.Select(x => x.Figure));
        Assert.Equal([2_500.0, 4_500.0, 0.0], v.Select(x => x.Measured));
        Assert.Equal([true, false, true], v.Select(x => x.Met));
        Assert.False(Verdicts.JudgeDetection(Detections(1_000), falsePositives: 1, "")[2].Met);
        Assert.All(v, x => Assert.False(x.Fatal));
    }

    private static DetectionDistribution Detections(params double[] lastMs) =>
        DetectionDistribution.Of([.. lastMs.Select((ms, i) => new CrashDetection { Victim = i + 1, FirstMs = ms, LastMs = ms, LastRounds = Math.Ceiling(ms / 200), DetectedBy = 9, Expected = 9 })]);

    [Fact]
    public void Warmup_ThatNeverConverges_IsReportedAsSuch()
    {
        using var cluster = new FakeCluster(4) { ConvergedAt = TimeSpan.MaxValue };
        TargetsReport r = TargetsRun.Execute(cluster, new FakeProcessMeter(cluster), Progress.Silent, Settings with { WarmupTimeout = TimeSpan.FromSeconds(2) });

        Assert.False(r.Converged);
        Assert.Equal(2.0, r.WarmupSeconds, 9);
        Assert.False(r.Phases[0].Completed);
        Assert.Equal(0, r.ConvergedAtWarmupEnd);
    }
}
