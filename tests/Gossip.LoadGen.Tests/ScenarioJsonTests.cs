using System.Text.Json;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Tests;

public sealed class ScenarioJsonTests
{
    [Fact]
    public void ConvergeJson_HasEveryField()
    {
        var row = new ConvergeRow
        {
            Nodes = 128, Mode = "PushPull", Fanout = 3, IntervalMs = 200, Reached = false, Rounds = double.NaN, MaxRounds = 200,
            InformedAtEnd = 120, IdealRounds = 4, VirtualSeconds = double.NaN, WallSeconds = 0.1, InformedPerRound = [4, 30, 120],
        };
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(new ConvergeReport { CommandLine = "converge", Date = "d", MachineCores = 2, Cases = [row] }));
        Assert.Equal(["CommandLine", "Date", "MachineCores", "Cases"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["Nodes", "Mode", "Fanout", "IntervalMs", "Reached", "Rounds", "MaxRounds", "InformedAtEnd", "IdealRounds", "VirtualSeconds", "WallSeconds", "InformedPerRound"],
            json.RootElement.GetProperty("Cases")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("NaN", json.RootElement.GetProperty("Cases")[0].GetProperty("Rounds").GetString());
    }

    [Fact]
    public void FaultsJson_HasEveryField_TheDetectionDistributionAndTheHealRows()
    {
        var crash = new CrashDetection { Victim = 5, FirstMs = 1_400, LastMs = 1_600, LastRounds = 8, DetectedBy = 127, Expected = 127 };
        var loss = new LossRow
        {
            Loss = 0.1, Detection = DetectionDistribution.Of([crash]), FalsePositives = 0, FalseDeathDeclarations = 0, FalsePositiveWindowRounds = 2_300,
            Suspicions = 381,
        };
        var heal = new PartitionHealRow
        {
            Nodes = 32, PartitionRounds = 18_000, PartitionSeconds = 3_600, SidesSplit = true, HealRounds = [5, double.PositiveInfinity], HealP50Rounds = 5,
            HealMaxRounds = double.PositiveInfinity, HealMaxSeconds = double.PositiveInfinity, LimitRounds = 1_000, WallSeconds = 0.4,
        };
        var report = new FaultsReport
        {
            CommandLine = "faults", Date = "d", Nodes = 128, IntervalMs = 200, Loss = [loss], PartitionHeals = [heal],
            Pauses = [new PauseRow { Nodes = 128, PauseSeconds = 1, Pauses = 20, DeathDeclarations = 0, Suspicions = 3, CrashDetectedRounds = 12 }],
            BroadcastDeliveries =
            [
                new BroadcastDeliveryRow
                {
                    Fault = "30 % loss", Nodes = 128, Broadcasts = 10, DeliveredToAll = 9, DeliveredFraction = 0.9, FullDeliveryP50Rounds = 4,
                    FullDeliveryP90Rounds = 7, FullDeliveryP100Rounds = double.PositiveInfinity, FullDeliveryP50Ms = 800, FullDeliveryP90Ms = 1_400,
                    FullDeliveryP100Ms = double.PositiveInfinity, DuplicateDeliveries = 0, Gaps = 0, Recovered = 12,
                },
            ],
            ChurnRestarts = 10,
            ChurnReconvergeRounds = 32, StateEntriesLost = 0, Verdicts = Verdicts.JudgeDetection(loss.Detection, 0, " at 10 % loss"),
        };
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(report));
        Assert.Equal(
            ["CommandLine", "Date", "Nodes", "IntervalMs", "Loss", "PartitionHeals", "Pauses", "BroadcastDeliveries", "ChurnRestarts", "ChurnReconvergeRounds", "StateEntriesLost", "Verdicts"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        JsonElement row = json.RootElement.GetProperty("Loss")[0];
        Assert.Equal(["Loss", "Detection", "FalsePositives", "FalseDeathDeclarations", "FalsePositiveWindowRounds", "Suspicions"], row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ReportingTests.DetectionFields, row.GetProperty("Detection").EnumerateObject().Select(p => p.Name));
        Assert.Equal(ReportingTests.CrashFields, row.GetProperty("Detection").GetProperty("PerCrash")[0].EnumerateObject().Select(p => p.Name));
        JsonElement healed = json.RootElement.GetProperty("PartitionHeals")[0];
        Assert.Equal(
            ["Nodes", "PartitionRounds", "PartitionSeconds", "SidesSplit", "HealRounds", "HealP50Rounds", "HealMaxRounds", "HealMaxSeconds", "LimitRounds", "WallSeconds"],
            healed.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Infinity", healed.GetProperty("HealMaxSeconds").GetString());
        JsonElement delivery = json.RootElement.GetProperty("BroadcastDeliveries")[0];
        Assert.Equal(
            ["Fault", "Nodes", "Broadcasts", "DeliveredToAll", "DeliveredFraction", "FullDeliveryP50Rounds", "FullDeliveryP90Rounds", "FullDeliveryP100Rounds", "FullDeliveryP50Ms", "FullDeliveryP90Ms", "FullDeliveryP100Ms", "DuplicateDeliveries", "Gaps", "Recovered"],
            delivery.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Infinity", delivery.GetProperty("FullDeliveryP100Ms").GetString());
        Assert.Equal("Infinity", healed.GetProperty("HealRounds")[1].GetString());
        Assert.Equal(3, json.RootElement.GetProperty("Verdicts").GetArrayLength());
        Assert.Equal(
            ["Nodes", "PauseSeconds", "Pauses", "DeathDeclarations", "Suspicions", "CrashDetectedRounds"],
            json.RootElement.GetProperty("Pauses")[0].EnumerateObject().Select(p => p.Name));
    }
}
