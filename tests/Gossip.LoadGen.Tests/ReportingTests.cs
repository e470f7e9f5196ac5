using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Tests;

public sealed class ReportingTests
{
    [Fact]
    public void SvgChart_IsWellFormedXml_WithOnePolylinePerSeries()
    {
        var chart = new SvgChart("CPU <per> node & more", "nodes", "%", logX: true);
        chart.Add("udp", [(128, 0.03), (512, 0.04), (2_000, 0.05)]);
        chart.Add("memory", [(1_000, 0.01), (100_000, 0.02)]);
        XDocument svg = XDocument.Parse(chart.Render());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, svg.Descendants(ns + "polyline").Count());
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "CPU <per> node & more");
    }

    [Fact]
    public void Json_HasEveryFigure()
    {
        var report = new TargetsReport
        {
            Command = "targets", Transport = "udp", Nodes = 128, IntervalMs = 200, Fanout = 3, Mode = "PushPull", MachineCores = 2, Date = "2026-11-24",
            WarmupSeconds = 2, ConvergedAtWarmupEnd = 128, WindowSeconds = 60, CpuPercentPerNode = 0.03, CpuPercentProcess = 4, BandwidthKBpsPerNode = 0.29, BandwidthKBpsBusiestNode = 0.4,
            DatagramsPerNodePerSecond = 2, AllocatedBytesPerNodeRound = 16, Gen0Collections = 0, Gen1Collections = 0, Gen2Collections = 0, Rumors = 10,
            RumorP50Ms = 8, RumorP90Ms = 60, RumorP100Ms = 70, DetectionFirstMs = 1_400, DetectionLastMs = 1_500, DetectedBy = 127, FalsePositives = 0, SeedTargetsMet = true,
        };
        string path = Path.GetTempFileName();
        TargetsPrinter.WriteJson(report, path);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        File.Delete(path);
        foreach (PropertyInfo property in typeof(TargetsReport).GetProperties().Where(p => p.Name != "EqualityContract"))
        {
            Assert.True(json.RootElement.TryGetProperty(property.Name, out _), $"JSON lacks {property.Name}");
        }
    }
}
