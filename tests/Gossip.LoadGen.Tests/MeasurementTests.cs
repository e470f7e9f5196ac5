using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Measurement;

namespace Gossip.LoadGen.Tests;

public sealed class MeasurementTests
{
    [Fact]
    public void CpuPerNode_IsCpuSecondsOverWindowOverNodes_AsPercentOfACore()
    {
        // 0.256 CPU seconds over a 10 s window across 128 nodes = 0.02 % of a core per node, 2.56 % for the process.
        Assert.Equal(0.02, SteadyStateFigures.CpuPercentPerNode(TimeSpan.FromSeconds(0.256), TimeSpan.FromSeconds(10), 128), 12);
        Assert.Equal(2.56, SteadyStateFigures.CpuPercentTotal(TimeSpan.FromSeconds(0.256), TimeSpan.FromSeconds(10)), 12);
    }

    [Fact]
    public void Bandwidth_CountsPayloadPlus28BytesPerDatagram_SentAndReceived_Plus_StreamBytes()
    {
        // 100 datagrams of 50 B sent and received = 2 * 100 * (50 + 28) = 15,600 B, plus 400 stream bytes = 16,000 B
        // over 2 nodes and 4 s = 2,000 B/s = 2 KB/s per node.
        var delta = new TrafficSnapshot(BytesSent: 5_000, BytesReceived: 5_000, DatagramsSent: 100, DatagramsReceived: 100, StreamBytesSent: 200, StreamBytesReceived: 200);
        Assert.Equal(16_000, delta.WireBytes);
        Assert.Equal(2.0, SteadyStateFigures.KilobytesPerSecondPerNode(delta, TimeSpan.FromSeconds(4), 2), 12);
        Assert.Equal(12.5, SteadyStateFigures.DatagramsPerNodePerSecond(delta, TimeSpan.FromSeconds(4), 2), 12);
    }

    [Fact]
    public void Snapshots_Subtract()
    {
        var before = new TrafficSnapshot(1, 2, 3, 4, 5, 6);
        var after = new TrafficSnapshot(11, 22, 33, 44, 55, 66);
        Assert.Equal(new TrafficSnapshot(10, 20, 30, 40, 50, 60), after - before);
    }

    [Fact]
    public void AllocationsPerNodeRound()
    {
        Assert.Equal(16.0, SteadyStateFigures.AllocatedBytesPerNodeRound(16_000, 1_000));
        Assert.True(double.IsNaN(SteadyStateFigures.AllocatedBytesPerNodeRound(5, 0)));
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(100, 100)]
    [InlineData(10, 10)]
    public void Percentiles_AreNearestRank(double percent, double expected)
    {
        double[] values = [100, 10, 90, 20, 80, 30, 70, 40, 60, 50];
        Assert.Equal(expected, Percentiles.Of(values, percent));
    }

    [Fact]
    public void IdealModel_PushPullBeatsPush_AndIsLogarithmic()
    {
        int push = SynchronousSpreadModel.MedianRounds(1_000, 3, DisseminationMode.Push, 5);
        int pushPull = SynchronousSpreadModel.MedianRounds(1_000, 3, DisseminationMode.PushPull, 5);
        Assert.True(pushPull < push);
        Assert.InRange(pushPull, (int)Math.Log(1_000, 4), 3 * (int)Math.Ceiling(Math.Log2(1_000)));
    }
}
