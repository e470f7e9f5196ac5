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
    public void FaultsJson_HasEveryField()
    {
        var loss = new LossRow
        {
            Loss = 0.1, DetectFirstSeconds = 1.4, DetectLastSeconds = 1.6, DetectLastRounds = 8, DetectedBy = 127, DetectionExpected = 127,
            FalsePositives = 0, FalseDeathDeclarations = 0, FalsePositiveWindowRounds = 2_000, Suspicions = 381,
        };
        var report = new FaultsReport
        {
            CommandLine = "faults", Date = "d", Nodes = 128, IntervalMs = 200, Loss = [loss], PartitionHealRounds = 111, ChurnRestarts = 10,
            ChurnReconvergeRounds = 32, StateEntriesLost = 0,
        };
        using JsonDocument json = JsonDocument.Parse(TargetsPrinter.ToJson(report));
        Assert.Equal(
            ["CommandLine", "Date", "Nodes", "IntervalMs", "Loss", "PartitionHealRounds", "ChurnRestarts", "ChurnReconvergeRounds", "StateEntriesLost"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["Loss", "DetectFirstSeconds", "DetectLastSeconds", "DetectLastRounds", "DetectedBy", "DetectionExpected", "FalsePositives", "FalseDeathDeclarations", "FalsePositiveWindowRounds", "Suspicions"],
            json.RootElement.GetProperty("Loss")[0].EnumerateObject().Select(p => p.Name));
    }
}
