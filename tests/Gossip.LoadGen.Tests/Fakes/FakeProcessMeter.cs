using Gossip.LoadGen.Measurement;

namespace Gossip.LoadGen.Tests.Fakes;

/// <summary>CPU 10 ms per cluster round, 1,000 B allocated per node-round, one gen-0 GC every 25 rounds, one gen-1 every 100.</summary>
internal sealed class FakeProcessMeter(FakeCluster cluster) : IProcessMeter
{
    public ProcessSample Read() => new(
        TimeSpan.FromMilliseconds(10 * cluster.RoundSteps),
        1_000 * cluster.NodeRounds,
        (int)(cluster.RoundSteps / 25),
        (int)(cluster.RoundSteps / 100),
        0);
}
