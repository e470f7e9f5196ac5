using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Protocol;

public sealed class DeterminismTests
{
    [Fact]
    public void SameSeed_GivesIdenticalTrace()
    {
        Assert.Equal(RunAndHash(99), RunAndHash(99));
    }

    [Fact]
    public void DifferentSeed_GivesDifferentTrace()
    {
        Assert.NotEqual(RunAndHash(99), RunAndHash(100));
    }

    private static ulong RunAndHash(ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 48,
            Seed = seed,
            Network = new SimulatedNetworkOptions { LossRate = 0.05, DuplicateRate = 0.02 },
        });
        cluster.RunRounds(10);
        cluster.Nodes[1].Broadcast([1]);
        cluster.Nodes[2].SetLocal("k", [2]);
        cluster.Crash(7);
        cluster.RunRounds(60);
        return cluster.Network.TraceHash;
    }
}
