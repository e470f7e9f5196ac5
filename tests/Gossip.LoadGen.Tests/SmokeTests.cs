using System.Text.Json;
using System.Xml.Linq;

namespace Gossip.LoadGen.Tests;

/// <summary>Short real runs of the main job: they check that a report comes out with the right shape, not how fast anything was.</summary>
public sealed class SmokeTests
{
    [Fact]
    public void Targets_OnUdp_Short_WithFewNodes_ProducesTheReportAndJson()
    {
        string json = Path.GetTempFileName();
        var output = new StringWriter();
        int exit = LoadGenApp.Run(["targets", "--nodes", "16", "--duration", "5", "--interval", "100", "--quiet", "--json", json], output);
        string text = output.ToString();
        Assert.Contains("CPU per node", text, StringComparison.Ordinal);
        Assert.Contains("crash detected by all, p50/p90/max", text, StringComparison.Ordinal);
        Assert.Contains("SEED TARGETS", text, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        JsonElement root = report.RootElement;
        Assert.Equal("udp", root.GetProperty("Transport").GetString());
        Assert.Equal(16, root.GetProperty("Nodes").GetInt32());
        Assert.True(root.GetProperty("Converged").GetBoolean());

        // 16 nodes take 7 crashes (fewer than half), one at a time: the first is expected of the other 15, the last of 9.
        JsonElement detection = root.GetProperty("Detection");
        Assert.Equal(7, detection.GetProperty("Crashes").GetInt32());
        Assert.Equal(7, detection.GetProperty("DetectedByAll").GetInt32());
        Assert.Equal(15, detection.GetProperty("PerCrash")[0].GetProperty("Expected").GetInt32());
        Assert.Equal(9, detection.GetProperty("PerCrash")[6].GetProperty("Expected").GetInt32());
        Assert.Equal(10, root.GetProperty("RumorsComplete").GetInt32());

        // 0 or 1: whether a CPU target is met depends on what else this machine runs at the same time.
        Assert.InRange(exit, 0, 1);
    }

    [Fact]
    public void Targets_InMemory_IsDeterministicAndComplete()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lg-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] args = ["targets", "--transport", "memory", "--nodes", "32", "--duration", "5", "--quiet", "--json", Path.Combine(dir, "a.json"), "--charts", dir];
            Assert.Equal(0, LoadGenApp.Run(args, TextWriter.Null));
            args[^3] = Path.Combine(dir, "b.json");
            Assert.Equal(0, LoadGenApp.Run(args, TextWriter.Null));

            using JsonDocument a = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "a.json")));
            using JsonDocument b = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "b.json")));
            JsonElement root = a.RootElement;
            Assert.Equal("virtual", root.GetProperty("TimeBase").GetString());
            Assert.Equal(5.0, root.GetProperty("WindowSeconds").GetDouble(), 9);
            Assert.Equal(10, root.GetProperty("RumorsComplete").GetInt32());
            Assert.Equal(15, root.GetProperty("Detection").GetProperty("DetectedByAll").GetInt32());
            Assert.Equal(0, root.GetProperty("FalsePositives").GetInt32());

            // Same seed, same simulation: the traffic and the spread are identical (CPU and allocations are not simulated).
            foreach (string figure in new[] { "BandwidthKBpsPerNode", "DatagramsPerNodePerSecond", "RumorP100Ms", "WarmupSeconds" })
            {
                Assert.Equal(root.GetProperty(figure).GetDouble(), b.RootElement.GetProperty(figure).GetDouble());
            }

            Assert.Equal(root.GetProperty("Detection").GetRawText(), b.RootElement.GetProperty("Detection").GetRawText());

            XDocument.Load(Path.Combine(dir, "targets-rumor-spread-memory-32.svg"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Converge_InMemory_SmallCluster_Reports()
    {
        var output = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["converge", "--nodes", "128", "--quiet"], output));
        Assert.Contains("PushPull", output.ToString(), StringComparison.Ordinal);
    }
}
