using System.Text.Json;
using Gossip.LoadGen.Chaos;

namespace Gossip.LoadGen.Tests.Chaos;

/// <summary>The <c>chaos</c> command: summary, JSON, exit code, replay of a seed and of a saved schedule.</summary>
public sealed class ChaosCommandTests
{
    [Fact]
    public void Chaos_OverAFewSeeds_PrintsTheSummary_WritesJson_AndExitsZero()
    {
        string json = Path.GetTempFileName();
        var output = new StringWriter();

        int exit = LoadGenApp.Run(["chaos", "--seeds", "8", "--seed", "100", "--quiet", "--json", json], output);

        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("seeds 8 (100..107)", text, StringComparison.Ordinal);
        Assert.Contains("simulated node-rounds/s", text, StringComparison.Ordinal);
        Assert.Contains("violations: 0", text, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        Assert.Equal(8, report.RootElement.GetProperty("Seeds").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("Failures").GetArrayLength());
        Assert.True(report.RootElement.GetProperty("NodeRounds").GetInt64() > 0);
    }

    [Fact]
    public void Chaos_WithASafetyRuleOff_ExitsOne_AndPrintsTheSeedAndItsReplayCommand()
    {
        var output = new StringWriter();

        int exit = LoadGenApp.Run(["chaos", "--seeds", "10", "--quiet", "--mutation", "no-reconnection"], output);

        string text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("violations: ", text, StringComparison.Ordinal);
        Assert.Contains("chaos --replay 5 --mutation no-reconnection", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OfOneSeed_PrintsItsLogAndVerdict()
    {
        var output = new StringWriter();

        int exit = LoadGenApp.Run(["chaos", "--replay", "3"], output);

        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("seed 3:", text, StringComparison.Ordinal);
        Assert.Contains("all invariants held", text, StringComparison.Ordinal);
        Assert.Contains(" Delivered ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OfAnEncryptedSeed_DescribesEveryFrame()
    {
        // Seed 1 runs encrypted: frames are bound to their receiver, so the log must open each one as its receiver
        // would (before it did, 4,633 of this seed's frames were logged as undecodable).
        var output = new StringWriter();

        int exit = LoadGenApp.Run(["chaos", "--replay", "1"], output);

        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("encrypted", text, StringComparison.Ordinal);
        Assert.Contains(" Delivered ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("undecodable", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OfASavedSchedule_RunsThatSchedule()
    {
        string path = Path.GetTempFileName();
        ChaosSchedule schedule = ScheduleDrawer.Draw(21) with { Faults = [] };
        File.WriteAllText(path, JsonSerializer.Serialize(schedule));
        var output = new StringWriter();
        string log = Path.GetTempFileName();

        int exit = LoadGenApp.Run(["chaos", "--schedule", path, "--log", log], output);

        Assert.Equal(0, exit);
        Assert.Contains("seed 21:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("0 faults", File.ReadAllText(log), StringComparison.Ordinal);
        File.Delete(path);
        File.Delete(log);
    }

    [Theory]
    [InlineData("--seeds", "0")]
    [InlineData("--mutation", "no-such-rule")]
    [InlineData("--replay", "x")]
    public void Chaos_WithABadOption_ExitsTwo(string option, string value) =>
        Assert.Equal(2, LoadGenApp.Run(["chaos", option, value], new StringWriter()));
}
