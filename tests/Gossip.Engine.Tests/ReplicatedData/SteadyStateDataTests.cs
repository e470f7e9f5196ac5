using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>A converged, static map costs the 8-byte root on each ack and nothing else: no repair, no rumor, no allocation.</summary>
public sealed class SteadyStateDataTests
{
    [Fact]
    public void AckWithARoot_IsExactlyEightBytesLonger()
    {
        var plain = new Ack(7, 1_000, 0xAABBCCDD, 0x11223344);
        Assert.Equal(Encode(plain).Length + 8, Encode(plain with { DataRoot = 0x0123_4567_89AB_CDEF }).Length);
    }

    [Fact]
    public void ConvergedStaticMap_SendsNoRepairNorRumor_AndAllocatesNothing()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 41 });
        cluster.RunRounds(5);
        for (int i = 0; i < 500; i++)
        {
            cluster.Nodes[i % 64].SetData(BitConverter.GetBytes(i), [(byte)i, 1, 2, 3]);
        }

        cluster.Nodes[9].RemoveData(BitConverter.GetBytes(3));
        cluster.RunRounds(300);
        Assert.Single(cluster.Nodes.Select(n => n.DataRootHash).Distinct());
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.HotDataVersionsForTest));
        long repairFrames = cluster.Nodes.Sum(n => n.Counters.DataRepairFrames);
        long merged = cluster.Nodes.Sum(n => n.Counters.DataEntriesMerged);

        long[] allocated = AllocationWindows.Measure(4, () => cluster.RunRounds(100));

        AllocationWindows.AssertNothingAllocated(allocated);
        Assert.Equal(repairFrames, cluster.Nodes.Sum(n => n.Counters.DataRepairFrames));
        Assert.Equal(merged, cluster.Nodes.Sum(n => n.Counters.DataEntriesMerged));
    }

    private static byte[] Encode(Ack ack)
    {
        byte[] buffer = new byte[64];
        var writer = new GossipWriter(buffer);
        Assert.True(ack.TryWrite(ref writer));
        var reader = new GossipReader(buffer.AsSpan(0, writer.Position));
        Assert.Equal(WireStatus.Ok, Ack.TryRead(ref reader, out Ack read));
        Assert.True(reader.End);
        Assert.Equal(ack, read);
        return buffer.AsSpan(0, writer.Position).ToArray();
    }
}
