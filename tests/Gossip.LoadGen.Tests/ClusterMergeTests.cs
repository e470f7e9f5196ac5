using System.Globalization;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Tests;

public sealed class ClusterMergeTests
{
    private const double T0 = 1_000_000;

    private static PartReport Part(int part, string runId = "r", int parts = 2, double cpuSeconds = 1, long bytesPerNode = 10_000, int seen = 4, params string[] falseSubjects)
    {
        var nodes = new List<PartNodeRow>();
        for (int i = 0; i < 2; i++)
        {
            nodes.Add(new PartNodeRow
            {
                Id = ((part * 100) + i).ToString("x16", CultureInfo.InvariantCulture),
                Index = i,
                Address = "127.0.0.1:1",
                WireBytes = bytesPerNode * (i + 1),
                StreamBytes = 0,
                KBps = bytesPerNode * (i + 1) / 10.0 / 1000,
                DatagramsSent = 20,
                DatagramsReceived = 20,
                Rounds = 50,
                LiveMembersAtWindowStart = seen,
                LiveMembersAtWindowEnd = seen,
            });
        }

        // Rumor 0 originates at part 0 node 0, 5 ms after its planned time; crash 0 is of part 1 node 1, 2 ms late.
        var rumor = new PartRumorRow
        {
            Number = 0, Origin = "0000000000000000", OriginPart = 0, PlannedUnixMs = T0, OriginatedUnixMs = part == 0 ? T0 + 5 : double.NaN,
            Expected = part == 0 ? 1 : 2, Received = part == 0 ? 1 : 2, FirstUnixMs = T0 + 20 + part, LastUnixMs = T0 + 40 + (part * 100), LastMs = 0,
        };
        var crash = new PartCrashRow
        {
            Number = 0, Victim = "0000000000000065", VictimPart = 1, VictimGlobalIndex = 3, PlannedUnixMs = T0 + 1_000, CrashedUnixMs = part == 1 ? T0 + 1_002 : double.NaN,
            Expected = part == 1 ? 1 : 2, DetectedBy = part == 1 ? 1 : 2, FirstUnixMs = T0 + 3_000 - (part * 500), LastUnixMs = T0 + 4_000 + (part * 100),
        };
        return new PartReport
        {
            CommandLine = $"part --part {part}", RunId = runId, Part = part, Parts = parts, NodesPerPart = 2, ClusterNodes = 2 * parts,
            IntervalMs = 200, Fanout = 3, Mode = "PushPull", Encrypted = false, Seed = 1, Host = $"host{part}", ProcessId = 100 + part,
            MachineCores = 2, LoadAverageAtWindowStart = "1.00 1.00 1.00", LoadAverageAtEnd = "1.00 1.00 1.00", Date = "2026-12-02",
            Converged = true, WarmupSeconds = 1 + part, ConvergedAtWindowStart = 2, StartUnixMs = T0 - 10_000, WindowStartUnixMs = T0 - 10_000 + part,
            WindowSeconds = 10, CpuSeconds = cpuSeconds, CpuPercentPerNode = cpuSeconds / 10 / 2 * 100, CpuPercentProcess = cpuSeconds / 10 * 100,
            WireBytes = bytesPerNode * 3, BandwidthKBpsPerNode = bytesPerNode * 3 / 10.0 / 2 / 1000, BandwidthKBpsBusiestNode = bytesPerNode * 2 / 10.0 / 1000,
            DatagramsSent = 40, DatagramsPerNodePerSecond = 2, AllocatedBytes = 1_000, NodeRounds = 100, AllocatedBytesPerNodeRound = 10,
            Collections = [0, 0, 0], RumorP50Ms = 0, RumorP90Ms = 0, RumorP100Ms = 0, RumorDuplicateDeliveries = part,
            Detection = DetectionDistribution.Of([]), FalsePositiveSubjects = falseSubjects, FalseDeathDeclarations = falseSubjects.Length,
            FalsePositiveWindowSeconds = 30, Nodes = nodes, Rumors = [rumor], Crashes = [crash], Phases = [],
        };
    }

    [Fact]
    public void Merge_SumsCpuAndBytesOverEveryNodeOfEveryProcess()
    {
        ClusterReport c = ClusterMerge.Merge([Part(0, cpuSeconds: 1, bytesPerNode: 10_000), Part(1, cpuSeconds: 3, bytesPerNode: 20_000)]);
        Assert.Equal(4, c.NodesReported);
        Assert.Equal(4, c.DistinctNodeIds);
        Assert.Equal(4.0, c.CpuSeconds);
        Assert.Equal(4.0 / 10 / 4 * 100, c.CpuPercentPerNode, 9);
        Assert.Equal(30, c.CpuPercentProcessMax, 9);
        Assert.Equal(90_000, c.WireBytes);
        Assert.Equal(90_000 / 10.0 / 4 / 1000, c.BandwidthKBpsPerNode, 9);
        Assert.Equal(4.0, c.BandwidthKBpsBusiestNode, 9);
        Assert.Equal(2.0, c.DatagramsPerNodePerSecond, 9);
        Assert.Equal(2_000.0 / 200, c.AllocatedBytesPerNodeRound, 9);
        Assert.Equal(200, c.NodeRounds);
        Assert.Equal(1, c.RumorDuplicateDeliveries);
        Assert.Equal(1.0, c.WindowStartSpreadMs, 9);
        Assert.Equal(2.0, c.WarmupSecondsMax);
        Assert.Equal(["host0", "host1"], c.Hosts);
        Assert.True(c.Complete);
    }

    [Fact]
    public void Merge_RumorSpread_FromTheOriginsTimeToTheLastArrivalAnywhere()
    {
        ClusterReport c = ClusterMerge.Merge([Part(0), Part(1)]);
        ClusterRumorRow r = Assert.Single(c.RumorRows);
        Assert.Equal(3, r.Expected);
        Assert.Equal(3, r.Received);
        Assert.Equal(T0 + 5, r.OriginatedUnixMs);
        Assert.Equal(140 - 5, r.LastMs, 9);
        Assert.Equal(1, c.RumorsComplete);
        Assert.Equal(135, c.RumorP100Ms, 9);
    }

    [Fact]
    public void Merge_Detection_FirstAnywhere_LastAnywhere_FromTheVictimsCrashTime()
    {
        ClusterReport c = ClusterMerge.Merge([Part(0), Part(1)]);
        Assert.Equal(1, c.Detection.Crashes);
        Assert.Equal(1, c.Detection.DetectedByAll);
        CrashDetection d = Assert.Single(c.Detection.PerCrash);
        Assert.Equal(3, d.Victim);
        Assert.Equal(3, d.Expected);
        Assert.Equal(3, d.DetectedBy);
        Assert.Equal(2_500 - 1_002, d.FirstMs, 9);
        Assert.Equal(4_100 - 1_002, d.LastMs, 9);
    }

    [Fact]
    public void Merge_AProcessThatMissedADetection_MakesItUndetectedByAll()
    {
        PartReport late = Part(1) with { Crashes = [Part(1).Crashes[0] with { DetectedBy = 0, FirstUnixMs = double.NaN, LastUnixMs = double.NaN }] };
        ClusterReport c = ClusterMerge.Merge([Part(0), late]);
        CrashDetection d = Assert.Single(c.Detection.PerCrash);
        Assert.Equal(2, d.DetectedBy);
        Assert.Equal(double.PositiveInfinity, d.LastMs);
        Assert.Equal(0, c.Detection.DetectedByAll);
    }

    [Fact]
    public void Merge_FalsePositives_UniteSubjects_AndSumDeclarations()
    {
        ClusterReport c = ClusterMerge.Merge([Part(0, falseSubjects: ["a", "b"]), Part(1, falseSubjects: ["b", "c"])]);
        Assert.Equal(3, c.FalsePositives);
        Assert.Equal(["a", "b", "c"], c.FalsePositiveSubjects);
        Assert.Equal(4, c.FalseDeathDeclarations);
    }

    [Fact]
    public void Merge_AMissingPart_OrANodeThatSawLess_IsIncomplete()
    {
        ClusterReport missing = ClusterMerge.Merge([Part(0, parts: 3, seen: 6), Part(2, parts: 3, seen: 6)]);
        Assert.Equal([1], missing.PartsMissing);
        Assert.False(missing.Complete);

        ClusterReport split = ClusterMerge.Merge([Part(0, seen: 2), Part(1, seen: 4)]);
        Assert.Equal(2, split.NodesSeeingWholeCluster);
        Assert.False(split.Complete);
    }

    [Fact]
    public void Merge_ReportsOfOtherRuns_OrOnePartTwice_AreRejected()
    {
        Assert.Throws<InvalidDataException>(() => ClusterMerge.Merge([Part(0), Part(1, runId: "other")]));
        Assert.Throws<InvalidDataException>(() => ClusterMerge.Merge([Part(0), Part(0)]));
        Assert.Throws<InvalidDataException>(() => ClusterMerge.Merge([Part(0) with { Format = 99 }]));
        Assert.Throws<InvalidDataException>(() => ClusterMerge.Merge([]));
    }

    [Theory]
    [InlineData("part", "--part", "4", "--parts", "4")]
    [InlineData("part", "--parts", "4", "--nodes", "501")]
    public void PartCommand_ImpossibleShape_ExitsTwo_BeforeBindingAnything(params string[] args)
    {
        Assert.Equal(2, LoadGenApp.Run(args, TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void PartReport_RoundTripsThroughItsJson()
    {
        string path = Path.Combine(Path.GetTempPath(), $"part-{Guid.NewGuid():N}.json");
        try
        {
            PartReport written = Part(1) with { RumorP100Ms = double.PositiveInfinity };
            TargetsPrinter.WriteJson(written, path);
            PartReport read = ClusterPrinter.ReadPart(path);
            Assert.Equal(written.Nodes, read.Nodes);
            Assert.Equal(written.Crashes, read.Crashes);
            Assert.Equal(double.PositiveInfinity, read.RumorP100Ms);
            Assert.Equal(written.CpuSeconds, read.CpuSeconds);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MergeCommand_NotAReport_ExitsTwo_NamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "[1, 2]");
        try
        {
            Assert.Equal(2, LoadGenApp.Run(["merge", path], TextWriter.Null, TextWriter.Null));
            InvalidDataException e = Assert.Throws<InvalidDataException>(() => ClusterPrinter.ReadPart(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
