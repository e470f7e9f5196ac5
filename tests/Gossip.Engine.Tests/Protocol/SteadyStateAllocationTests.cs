using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Protocol;

public sealed class SteadyStateAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SteadyStateRounds_AllocateNothing(bool exchangeWhenIdle)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 4, Configure = o => o.ExchangeWhenIdle = exchangeWhenIdle });
        cluster.Nodes[3].SetLocal("k", [1, 2, 3]);
        cluster.Nodes[4].Broadcast([7]);
        cluster.RunRounds(300); // converge, retire the rumor, let every buffer reach its working size

        long before = GC.GetAllocatedBytesForCurrentThread();
        cluster.RunRounds(200);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
