using System.Text.Json;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen.Tests;

/// <summary>The <c>replicate</c> scenario's measurements, at sizes small enough for a test: rounds, bytes and outcomes, not time.</summary>
public sealed class ReplicateScenarioTests
{
    [Fact]
    public void Reconcile_CostsFarLessThanAFlatDigest_AndConverges()
    {
        ReconcileRow row = ReplicateScenario.Reconcile(keys: 20_000, differing: 10, seed: 3);

        Assert.True(row.Converged);
        Assert.InRange(row.Frames, 1, row.TreeDepth + 2);
        Assert.InRange(row.Bytes, 1, row.FlatDigestBytes / 20);
    }

    [Fact]
    public void Partition_WithConflictingWrites_EndsWithOneRootAndTheModelsValues()
    {
        DataPartitionRow row = ReplicateScenario.Partition(nodes: 16, conflicting: 20, seed: 4);

        Assert.True(row.SameRootEverywhere);
        Assert.True(row.MatchesModel);
        Assert.True(row.RepairBytes > 0, "nothing was repaired: the halves never diverged and the test proves nothing");
    }

    [Fact]
    public void Memory_PerKeyOverhead_IsBounded()
    {
        DataMemoryRow row = ReplicateScenario.Memory(keys: 100_000);

        // At a million keys it is 79 B (docs/performance.md); at 100,000 the tree's arrays weigh more per key.
        Assert.InRange(row.OverheadPerKey, 20, 200);
    }

    [Fact]
    public void QuickRun_WritesItsJson_AndExits0()
    {
        string json = Path.Combine(Path.GetTempPath(), $"replicate-{Guid.NewGuid():N}.json");
        try
        {
            var output = new StringWriter();
            Assert.Equal(0, LoadGenApp.Run(["replicate", "--nodes", "12", "--duration", "2", "--transport", "memory", "--quiet", "--json", json], output, TextWriter.Null));
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(
                ["CommandLine", "Date", "MachineCores", "Reconcile", "Spread", "Steady", "Partition", "Memory", "Udp"],
                report.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(3, report.RootElement.GetProperty("Reconcile").GetArrayLength());
            Assert.Contains("matches the LWW model: True", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
