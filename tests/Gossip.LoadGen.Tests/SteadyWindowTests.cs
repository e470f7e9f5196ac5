using Gossip.LoadGen.Measurement;

namespace Gossip.LoadGen.Tests;

public sealed class SteadyWindowTests
{
    [Fact]
    public void Compute_UsesTheMeasuredWindow_AndEveryNodesDelta()
    {
        // Stopwatch-like frequency: 4,000,000 ticks = 4 s.
        var start = new WindowSample(
            1_000_000,
            new ProcessSample(TimeSpan.FromSeconds(10), 5_000, 3, 1, 0),
            [new TrafficSnapshot(100, 100, 1, 1, 0, 0), new TrafficSnapshot(0, 0, 0, 0, 0, 0)],
            Rounds: 40);
        var end = new WindowSample(
            5_000_000,
            new ProcessSample(TimeSpan.FromSeconds(10.08), 85_000, 5, 1, 1),
            [new TrafficSnapshot(2_100, 1_100, 41, 21, 0, 0), new TrafficSnapshot(1_000, 2_000, 20, 40, 500, 500)],
            Rounds: 80);

        SteadyWindowResult r = SteadyWindow.Compute(start, end, nodes: 2, timestampFrequency: 1_000_000);

        Assert.Equal(TimeSpan.FromSeconds(4), r.Window);
        Assert.Equal(1.0, r.CpuPercentPerNode, 9);   // 0.08 s / 4 s / 2 nodes
        Assert.Equal(2.0, r.CpuPercentProcess, 9);

        // Node 0: 2,000 + 1,000 + 28 * 60 = 4,680 B; node 1: 1,000 + 2,000 + 28 * 60 + 1,000 = 5,680 B.
        Assert.Equal((4_680 + 5_680) / 2.0 / 4 / 1_000, r.KBpsPerNode, 12);
        Assert.Equal(5_680 / 4.0 / 1_000, r.KBpsBusiestNode, 12);
        Assert.Equal(60 / 2.0 / 4, r.DatagramsPerNodePerSecond, 12);
        Assert.Equal(80_000 / 40.0, r.AllocatedBytesPerNodeRound, 12);
        Assert.Equal((2, 0, 1), (r.Gen0, r.Gen1, r.Gen2));
    }

    [Theory]
    [InlineData(1, 200, 1)]
    [InlineData(200, 200, 1)]
    [InlineData(201, 200, 2)]
    [InlineData(0, 200, 0)]
    [InlineData(4_200, 200, 21)]
    public void Rounds_RoundUp(int elapsedMs, int intervalMs, int expected)
    {
        Assert.Equal(expected, Timestamps.Rounds(TimeSpan.FromMilliseconds(elapsedMs), TimeSpan.FromMilliseconds(intervalMs)));
    }

    [Fact]
    public void Timestamps_ConvertAnyFrequency()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), Timestamps.Between(500, 2_000, 1_000));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Timestamps.Between(0, 250_000_000, 1_000_000_000));
    }
}
