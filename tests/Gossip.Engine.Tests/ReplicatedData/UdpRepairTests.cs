using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Tests.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>The Merkle repair on real sockets: answers larger than a datagram travel over the TCP stream path.</summary>
[Collection(nameof(UdpClusterTests))]
public sealed class UdpRepairTests
{
    [Fact]
    public void NodeWithAnEmptyMap_IsFilledByRepair_OverTheStreamPath()
    {
        // Encrypted, as real sockets run by default: each node its own ring of one cluster key.
        byte[] key = new byte[32];
        key[0] = 12;
        using var a = new GossipNode(new GossipOptions { EventCapacity = 0, GossipInterval = TimeSpan.FromMilliseconds(50), Keys = new KeyRing(1, key) }, new UdpTransport(new UdpTransportOptions()));
        using var b = new GossipNode(new GossipOptions { EventCapacity = 0, GossipInterval = TimeSpan.FromMilliseconds(50), Keys = new KeyRing(1, key) }, new UdpTransport(new UdpTransportOptions()));

        // Loaded before the node starts, so straight into the map with no rumor: only the repair can carry these.
        ulong stamp = HybridClock.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_000);
        for (int i = 0; i < 3_000; i++)
        {
            Assert.Equal(MergeOutcome.Applied, a.Data.Merge(new DataEntry(BitConverter.GetBytes(i), new byte[20], stamp, a.Id, deleted: false)));
        }

        a.Start();
        b.Start();
        b.Join([a.Address]);

        Assert.True(Eventually.True(() => b.DataCount == 3_000 && b.DataRootHash == a.DataRootHash, 60_000), $"b holds {b.DataCount} of 3,000 keys");
        Assert.True(a.Counters.DataRepairBytes + b.Counters.DataRepairBytes > 3_000 * 20, "fewer repair bytes than the values alone: the keys came another way");
        Assert.True(a.TransportCounters.StreamFramesSent > 0, "no repair answer went over the stream path");
        Assert.Equal(0, b.Counters.DataEntriesDropped);
    }
}
