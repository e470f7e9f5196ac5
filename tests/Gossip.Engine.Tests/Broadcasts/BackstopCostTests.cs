using Gossip.Engine.Simulation;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Broadcasts;

/// <summary>
/// What a quiet cluster pays per probe (a ping and its ack, nothing else) once every broadcast has been delivered: the
/// broadcast backstop's budget is 8 bytes per probe over the 62 B measured here before it existed (it adds the ack's
/// 4-byte frontier summary: 66 B), and no request or repair while summaries agree.
/// </summary>
public sealed class BackstopCostTests(ITestOutputHelper output)
{
    [Fact]
    public void QuietCluster_PaysOnlyPingAndAckPerProbe()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 4 });
        cluster.Nodes[4].Broadcast([7]);
        cluster.Nodes[9].Broadcast([8, 9]);
        cluster.RunRounds(300);

        (long bytes, long datagrams) before = Sent(cluster);
        cluster.RunRounds(200);
        (long bytes, long datagrams) after = Sent(cluster);

        long datagrams = after.datagrams - before.datagrams;
        double bytesPerProbe = (after.bytes - before.bytes) / (datagrams / 2.0);
        output.WriteLine($"{datagrams} datagrams, {bytesPerProbe:F2} B per probe (ping + ack frames)");
        Assert.True(datagrams > 0 && datagrams % 2 == 0, "a quiet cluster sends pings and acks only");
        Assert.True(bytesPerProbe <= 62 + 8, $"{bytesPerProbe:F2} B per probe");
    }

    private static (long Bytes, long Datagrams) Sent(SimulatedCluster cluster)
    {
        long bytes = 0;
        long datagrams = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            bytes += node.TransportCounters.BytesSent;
            datagrams += node.TransportCounters.DatagramsSent;
        }

        return (bytes, datagrams);
    }
}
