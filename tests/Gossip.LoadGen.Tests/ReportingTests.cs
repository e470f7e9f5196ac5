using System.Text.Json;
using System.Xml.Linq;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Tests.Fakes;

namespace Gossip.LoadGen.Tests;

public sealed class ReportingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Every figure docs/measurement.md and issue 5 ask of a targets run, by its JSON name.</summary>
    private static readonly string[] TargetsFields =
    [
        "Command", "CommandLine", "Transport", "TimeBase", "Nodes", "IntervalMs", "Fanout", "Mode", "Security", "Loss", "Seed", "MachineCores", "Date",
        "Converged", "WarmupSeconds", "ConvergedAtWarmupEnd", "UnmetPairsAtWarmupEnd", "PairsMet", "FirstContactSeconds", "UnmetPairsAtWindowStart", "StreamsOpenAfterSettle", "StreamsOpenAtWindowStart", "WindowSeconds",
        "CpuPercentPerNode", "CpuPercentProcess", "BandwidthKBpsPerNode", "BandwidthKBpsBusiestNode", "DatagramsPerNodePerSecond",
        "AllocatedBytesPerNodeRound", "NodeRounds", "Gen0Collections", "Gen1Collections", "Gen2Collections",
        "Rumors", "RumorsComplete", "RumorP50Ms", "RumorP90Ms", "RumorP100Ms", "RumorP50Rounds", "RumorP90Rounds", "RumorP100Rounds", "RumorDuplicateDeliveries",
        "Detection",
        "FalsePositives", "FalseDeathDeclarations", "FalsePositiveWindowSeconds",
        "Verdicts", "SeedTargetsMet", "Phases", "FirstRumorSpread",
    ];

    /// <summary>The detection distribution of issue 10 (item 3), by its JSON name.</summary>
    internal static readonly string[] DetectionFields =
    [
        "Crashes", "DetectedByAll", "FirstP50Ms", "FirstP90Ms", "FirstMaxMs", "LastP50Ms", "LastP90Ms", "LastMaxMs",
        "LastP50Rounds", "LastP90Rounds", "LastMaxRounds", "PerCrash",
    ];

    /// <summary>One crash of the distribution, by its JSON name.</summary>
    internal static readonly string[] CrashFields = ["Victim", "FirstMs", "LastMs", "LastRounds", "DetectedBy", "Expected"];

    [Fact]
    public void SvgChart_IsWellFormedXml_WithOnePolylinePerSeries()
    {
        var chart = new SvgChart("CPU <per> node & more", "nodes", "%", logX: true);
        chart.Add("udp", [(128, 0.03), (512, 0.04), (2_000, 0.05)]);
        chart.Add("memory", [(1_000, 0.01), (100_000, 0.02)]);
        XDocument svg = XDocument.Parse(chart.Render());
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(2, svg.Descendants(Svg + "polyline").Count());
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "CPU <per> node & more");
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "100000"); // log-scale x reaches the largest n
    }

    [Fact]
    public void SvgChart_SkipsPointsThatWereNeverMeasured()
    {
        var chart = new SvgChart("detection", "loss", "s");
        chart.Add("every node", [(0, 2.0), (0.1, double.PositiveInfinity), (0.2, double.NaN), (0.3, 3.0)]);
        XDocument svg = XDocument.Parse(chart.Render());
        string points = svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value;
        Assert.Equal(2, points.Split(' ').Length);
        Assert.DoesNotContain("NaN", points, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", points, StringComparison.Ordinal);
    }

    [Fact]
    public void SvgChart_EmptyChart_IsStillWellFormed()
    {
        XDocument svg = XDocument.Parse(new SvgChart("nothing yet", "x", "y").Render());
        Assert.Empty(svg.Descendants(Svg + "polyline"));
    }

    [Fact]
    public void TargetsJson_HasExactlyEveryFigure()
    {
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(FakeReport()));
        string[] names = [.. json.RootElement.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(TargetsFields.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["Figure", "Target", "Measured", "Met", "Fatal"],
            json.RootElement.GetProperty("Verdicts")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["Name", "StartSeconds", "Seconds", "Completed"],
            json.RootElement.GetProperty("Phases")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void TargetsJson_CarriesTheDetectionDistribution_AndEveryCrash()
    {
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(FakeReport()));
        JsonElement detection = json.RootElement.GetProperty("Detection");
        Assert.Equal(DetectionFields, detection.EnumerateObject().Select(p => p.Name));
        Assert.Equal(CrashFields, detection.GetProperty("PerCrash")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(detection.GetProperty("Crashes").GetInt32(), detection.GetProperty("PerCrash").GetArrayLength());
    }

    [Fact]
    public void TargetsJson_WritesFiguresNeverReached_AsInfinity()
    {
        TargetsReport report = FakeReport() with { RumorP100Ms = double.PositiveInfinity, RumorP50Ms = double.NaN };
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(report));
        Assert.Equal("Infinity", json.RootElement.GetProperty("RumorP100Ms").GetString());
        Assert.Equal("NaN", json.RootElement.GetProperty("RumorP50Ms").GetString());
    }

    [Fact]
    public void ScaleJson_HoldsAFullTargetsReportPerSize()
    {
        var scale = new ScaleReport { CommandLine = "scale", Date = "2026-11-24", MachineCores = 2, Sizes = [FakeReport(), FakeReport()] };
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(scale));
        Assert.Equal(["CommandLine", "Date", "MachineCores", "Sizes"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.RootElement.GetProperty("Sizes").GetArrayLength());
        Assert.Equal(TargetsFields.Length, json.RootElement.GetProperty("Sizes")[1].EnumerateObject().Count());
    }

    [Fact]
    public void Table_PrintsTheCommandEveryFigureAndTheVerdict()
    {
        var text = new StringWriter();
        TargetsPrinter.Print(FakeReport(), text);
        string output = text.ToString();
        Assert.StartsWith("command: targets (fake)", output, StringComparison.Ordinal);
        foreach (string row in new[] { "CPU per node", "bandwidth per node", "busiest node", "datagrams per node per second", "allocated per round per node", "GCs gen0/1/2", "p50/p90/p100", "crash detected first, p50/p90/max", "crash detected by all, p50/p90/max", "each crash, by all (ms)", "false positives", "SEED TARGETS MET" })
        {
            Assert.Contains(row, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Charts_WriteTheRumorSpreadAsSvg()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lg-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            TargetsPrinter.WriteCharts(FakeReport(), dir);
            string file = Assert.Single(Directory.GetFiles(dir, "*.svg"));
            XDocument svg = XDocument.Load(file);
            Assert.Equal(4, svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ').Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static TargetsReport FakeReport()
    {
        using var cluster = new FakeCluster(4);
        return TargetsRun.Execute(
            cluster,
            new FakeProcessMeter(cluster),
            Progress.Silent,
            new TargetsSettings { CommandLine = "targets (fake)", Window = TimeSpan.FromSeconds(2), Poll = TimeSpan.FromMilliseconds(200) });
    }
}
