using System.Text.Json;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen.Tests;

/// <summary>The <c>faults</c> command on a small cluster (deterministic simulation): the report has every row the issue asks for.</summary>
public sealed class FaultsScenarioTests
{
    [Fact]
    public void Faults_PrintsTheDetectionDistribution_AndHealTimesForOneMinuteTenMinutesAndOneHour()
    {
        string json = Path.Combine(Path.GetTempPath(), "lg-faults-" + Guid.NewGuid().ToString("N") + ".json");
        var output = new StringWriter();
        try
        {
            int exit = LoadGenApp.Run(["faults", "--nodes", "12", "--loss", "0.1", "--crashes", "3", "--quiet", "--json", json], output);

            string text = output.ToString();
            Assert.Equal(0, exit);
            Assert.Contains("3 crashes one at a time per loss rate (crashed nodes stay down)", text, StringComparison.Ordinal);
            foreach (string partition in new[] { "60 r (12 s)", "300 r (1 min)", "3000 r (10 min)", "18000 r (1 h)" })
            {
                Assert.Contains(partition, text, StringComparison.Ordinal);
            }

            Assert.Contains("crash detected by every live node, p90 (ms) at 10 % loss", text, StringComparison.Ordinal);

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement detection = report.RootElement.GetProperty("Loss")[0].GetProperty("Detection");
            Assert.Equal(3, detection.GetProperty("Crashes").GetInt32());
            Assert.Equal(3, detection.GetProperty("PerCrash").GetArrayLength());
            Assert.Equal(
                [60, 300, 3_000, 18_000],
                report.RootElement.GetProperty("PartitionHeals").EnumerateArray().Select(r => r.GetProperty("PartitionRounds").GetInt32()));
            Assert.All(report.RootElement.GetProperty("PartitionHeals").EnumerateArray(), r => Assert.Equal(12, r.GetProperty("Nodes").GetInt32()));

            // The pause case: 20 one-second pauses cause no death verdict, and a crash afterwards is still detected.
            Assert.Contains("false deaths over 20 pauses of 1 s", text, StringComparison.Ordinal);
            JsonElement pause = report.RootElement.GetProperty("Pauses")[0];
            Assert.Equal(1.0, pause.GetProperty("PauseSeconds").GetDouble());
            Assert.Equal(0, pause.GetProperty("DeathDeclarations").GetInt64());
            Assert.InRange(pause.GetProperty("CrashDetectedRounds").GetInt32(), 1, 50);

            // Broadcasts sent during the loss, both partitions and the pause reach every live member, exactly once.
            JsonElement[] deliveries = [.. report.RootElement.GetProperty("BroadcastDeliveries").EnumerateArray()];
            Assert.Equal(["10 % loss", "half/half partition of 60 rounds", "half/half partition of 300 rounds", "pause of 10 rounds (one node)"], deliveries.Select(d => d.GetProperty("Fault").GetString()));
            Assert.All(deliveries, d => Assert.Equal(1.0, d.GetProperty("DeliveredFraction").GetDouble()));
            Assert.All(deliveries, d => Assert.Equal(0, d.GetProperty("DuplicateDeliveries").GetInt32()));
            Assert.Contains("broadcasts delivered to every live member, half/half partition of 300 rounds", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void PartitionHeal_OfTenMinutes_SplitsTheSides_ThenHealsWithinTheLimit()
    {
        PartitionHealRow row = PartitionHealCase.Run(16, 3_000, seed: 5, o => o.GossipInterval = TimeSpan.FromMilliseconds(200));

        Assert.Equal((16, 3_000, 600.0), (row.Nodes, row.PartitionRounds, row.PartitionSeconds));
        Assert.True(row.SidesSplit, "each side should have declared the other dead");
        Assert.Equal(5, row.HealRounds.Count);
        Assert.All(row.HealRounds, r => Assert.InRange(r, 1, PartitionHealCase.LimitRounds));
        Assert.Equal(row.HealRounds.Max(), row.HealMaxRounds);
        Assert.Equal(row.HealMaxRounds * 0.2, row.HealMaxSeconds, 9);
    }

    [Fact]
    public void PartitionHeal_ThatNeverHeals_IsReportedAsNever()
    {
        // Reaped members forgotten at once (the engine before issue 10): after a minute apart each side has reaped the
        // other and no node ever tries it again, so the sides stay two clusters.
        PartitionHealRow row = PartitionHealCase.Run(8, 300, seed: 5, o => o.ReconnectForRounds = 0);

        Assert.All(row.HealRounds, r => Assert.Equal(double.PositiveInfinity, r));
        Assert.Equal(double.PositiveInfinity, row.HealMaxSeconds);
    }
}
