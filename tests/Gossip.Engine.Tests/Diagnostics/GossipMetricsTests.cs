using System.Diagnostics.Metrics;
using Gossip.Engine.Diagnostics;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Runtime;
using Gossip.Engine.Simulation;
using Gossip.Engine.Tests.Runtime;
using Gossip.Wire;
using Microsoft.Extensions.Time.Testing;

namespace Gossip.Engine.Tests.Diagnostics;

/// <summary>Every instrument of the <c>Gossip.Engine</c> meter reports the event it names, for the node that saw it.</summary>
public sealed class GossipMetricsTests
{
    [Fact]
    public void EveryInstrument_MovesWithItsEvent()
    {
        var network = new SimulatedNetwork(7);
        using var scheduler = new RoundScheduler(); // its fake clock never advances: the test drives every round
        using GossipNode a = NewNode(network, scheduler, 1);
        using GossipNode b = NewNode(network, scheduler, 2);
        Assert.True(a.Introduce(b.Id, b.Generation, b.Address));
        Assert.True(b.Introduce(a.Id, a.Generation, a.Address));
        a.Start();
        b.Start();

        for (int round = 1; round <= 10; round++)
        {
            a.Tick();
            b.Tick();
            network.RunUntil(TimeSpan.FromMilliseconds(200 * round));
        }

        Assert.True(network.CreateTransport().Send(a.Address, new byte[40]));
        Assert.True(network.CreateTransport().Send(a.Address, StrangersPingReq(b)));
        network.RunUntil(TimeSpan.FromMilliseconds(2_100));
        Dictionary<string, long> before = Collect(a.Id);
        Assert.Equal(2, before["gossip.member.count/alive"]);
        Assert.Equal(0, before["gossip.active_rumors"]);

        network.Disconnect(b.Address);
        for (int round = 11; round <= 40; round++)
        {
            a.Tick();
            network.RunUntil(TimeSpan.FromMilliseconds(200 * round));
        }

        // Last, because an API call runs on the thread pool: without eager push it only queues the rumor, sending nothing.
        a.Broadcast([1]);
        MailboxProbe.WaitUntil(() => a.Counters.RumorsOriginated == 1, "the broadcast (queued to the node's mailbox) never ran");
        Dictionary<string, long> after = Collect(a.Id);
        Assert.Equal(1, after["gossip.active_rumors"]);
        Assert.Equal((0, 1, 1), (before["gossip.broadcasts.retained"], after["gossip.broadcasts.retained"], after["gossip.broadcasts.retained.bytes"]));
        Assert.Equal(0, after["gossip.broadcasts.gaps"]);
        Assert.Equal(40, after["gossip.rounds"]);
        Assert.True(after["gossip.network.messages/transmit"] > 0 && after["gossip.network.messages/receive"] > 0);
        Assert.True(after["gossip.network.io/transmit"] > after["gossip.network.messages/transmit"] && after["gossip.network.io/receive"] > after["gossip.network.messages/receive"]);
        Assert.Equal(1, after["gossip.frames.dropped/bad_magic"]);
        Assert.Equal(1, after["gossip.answers.refused/ping_req_refused"]);
        Assert.True(after["gossip.suspicions"] >= 1);
        Assert.Equal(1, after["gossip.member.count/alive"]);
    }

    /// <summary>A ping-req from a non-member (plaintext): the node refuses to relay it.</summary>
    private static byte[] StrangersPingReq(GossipNode target)
    {
        var codec = new FrameCodec(1);
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(new PingReq(9, target.Id, target.Address).TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.PingReq, FrameFlags.None, new NodeId(0xBAD), 1, NodeId.None, writer.Position)];
    }

    // Entries put straight into one node's map spread by no rumor: only a Merkle repair brings them to the other.
    [Fact]
    public void DataInstruments_MoveWithARepair()
    {
        var network = new SimulatedNetwork(8);
        using var scheduler = new RoundScheduler();
        using GossipNode a = NewNode(network, scheduler, 3);
        using GossipNode b = NewNode(network, scheduler, 4);
        Assert.True(a.Introduce(b.Id, b.Generation, b.Address));
        Assert.True(b.Introduce(a.Id, a.Generation, a.Address));
        ulong stamp = HybridClock.FromMilliseconds(new FakeTimeProvider().GetUtcNow().ToUnixTimeMilliseconds());
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(MergeOutcome.Applied, a.Data.Merge(new DataEntry(BitConverter.GetBytes(i), new byte[8], stamp, a.Id, deleted: false)));
        }

        a.Start();
        b.Start();
        for (int round = 1; round <= 30; round++)
        {
            a.Tick();
            b.Tick();
            network.RunUntil(TimeSpan.FromMilliseconds(200 * round));
        }

        MailboxProbe.WaitUntil(() => b.DataCount == 20, "the repair never brought the entries over");
        Dictionary<string, long> atA = Collect(a.Id);
        Dictionary<string, long> atB = Collect(b.Id);
        Assert.True(atA["gossip.data.repairs"] + atB["gossip.data.repairs"] >= 1);
        Assert.True(atA["gossip.data.levels_descended"] + atB["gossip.data.levels_descended"] >= 1);
        Assert.True(atA["gossip.data.repair.io"] + atB["gossip.data.repair.io"] > 20 * 8);
    }

    private static GossipNode NewNode(SimulatedNetwork network, RoundScheduler scheduler, ulong seed) => new(
        new GossipOptions { EagerPush = false, AllowPlaintext = true },
        network.CreateTransport(),
        new GossipNodeServices { SingleThreaded = false, Scheduler = scheduler, Time = new FakeTimeProvider(), Random = new SeededRandom(seed) });

    /// <summary>The meter's current values for one node, keyed by instrument (and "/" + error.type, gossip.member.status or network.io.direction where tagged).</summary>
    private static Dictionary<string, long> Collect(NodeId node)
    {
        var values = new Dictionary<string, long>();
        string name = node.ToString();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GossipMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(values, name, instrument.Name, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(values, name, instrument.Name, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private static void Record(Dictionary<string, long> values, string node, string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string key = instrument;
        bool mine = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            mine |= tag.Key == GossipMetrics.NodeIdAttribute && (string?)tag.Value == node;
            key += tag.Key is "error.type" or "gossip.member.status" or "network.io.direction" ? "/" + tag.Value : string.Empty;
        }

        if (mine)
        {
            values[key] = value;
        }
    }
}
