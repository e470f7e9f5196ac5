using BenchmarkDotNet.Attributes;
using Gossip.Engine;
using Gossip.Engine.Simulation;

namespace Gossip.Benchmarks.Engine;

/// <summary>
/// One gossip round of one node, including handling every exchange it causes (probes, acks, piggyback), measured
/// as a steady-state round of a 128-node simulated cluster divided by 128. The network simulation's own cost is
/// included, so this is an upper bound on the engine's share.
/// </summary>
[MemoryDiagnoser]
public class NodeRoundBenchmarks
{
    private const int Nodes = 128;
    private SimulatedCluster _cluster = null!;

    [Params(DisseminationMode.PushPull)]
    public DisseminationMode Mode { get; set; }

    [Params(false, true)]
    public bool ExchangeWhenIdle { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = Nodes,
            Seed = 1,
            Configure = o =>
            {
                o.Mode = Mode;
                o.ExchangeWhenIdle = ExchangeWhenIdle;
            },
        });
        _cluster.RunRounds(300);
    }

    [GlobalCleanup]
    public void Cleanup() => _cluster.Dispose();

    [Benchmark(OperationsPerInvoke = Nodes)]
    public void RoundPerNode() => _cluster.RunRound();
}
