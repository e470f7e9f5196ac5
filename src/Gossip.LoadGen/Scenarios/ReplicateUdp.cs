using System.Diagnostics;
using System.Net;
using Gossip.Engine;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The <c>replicate</c> scenario's loopback UDP part, in wall time: nodes in one process each holding the same keys
/// (loaded before start, converged), a steady window with no writes (bandwidth and CPU by the project's definitions),
/// then writes from random nodes timed until every node holds them.
/// </summary>
internal static class ReplicateUdp
{
    public static DataUdpRow Run(int count, int keys, TimeSpan window, int writes, ulong seed)
    {
        var nodes = new List<GossipNode>(count);
        try
        {
            long stampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
            byte[] value = new byte[16];
            for (int i = 0; i < count; i++)
            {
                var node = new GossipNode(new GossipOptions { EventCapacity = 0 }, new UdpTransport(new UdpTransportOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0) }));
                for (int k = 0; k < keys; k++)
                {
                    _ = node.Data.Merge(new DataEntry(BitConverter.GetBytes(k), value, HybridClock.FromMilliseconds(stampMs), new NodeId(1), deleted: false));
                }

                nodes.Add(node);
            }

            foreach (GossipNode node in nodes)
            {
                node.Start();
                if (node != nodes[0])
                {
                    node.Join([nodes[0].Address]);
                }
            }

            bool joined = WaitUntil(() => nodes.All(n => n.LiveMemberCount == count), TimeSpan.FromSeconds(90));
            Thread.Sleep(TimeSpan.FromSeconds(5));

            long[] before = Bytes(nodes);
            long repairBefore = nodes.Sum(n => n.Counters.DataRepairBytes);
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Thread.Sleep(window);
            double seconds = clock.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            long[] after = Bytes(nodes);
            long repair = nodes.Sum(n => n.Counters.DataRepairBytes) - repairBefore;
            long total = 0;
            long busiest = 0;
            for (int i = 0; i < count; i++)
            {
                total += after[i] - before[i];
                busiest = Math.Max(busiest, after[i] - before[i]);
            }

            var random = new Random((int)seed);
            var spreadMs = new List<double>();
            for (int w = 0; w < writes; w++)
            {
                byte[] key = BitConverter.GetBytes(keys + w);
                var spread = Stopwatch.StartNew();
                nodes[random.Next(count)].SetData(key, [1, 2, 3, 4]);
                bool reached = WaitUntil(() => nodes.All(n => n.TryGetData(key, out _)), TimeSpan.FromSeconds(30));
                spreadMs.Add(reached ? spread.Elapsed.TotalMilliseconds : double.PositiveInfinity);
                Thread.Sleep(500);
            }

            bool sameRoot = WaitUntil(() => nodes.All(n => n.DataRootHash == nodes[0].DataRootHash), TimeSpan.FromSeconds(30));
            return new DataUdpRow(
                count,
                keys,
                seconds,
                total / 1_000.0 / count / seconds,
                busiest / 1_000.0 / seconds,
                repair / (double)count / seconds,
                100.0 * cpuSeconds / seconds / count,
                100.0 * cpuSeconds / seconds,
                writes,
                Percentiles.Of(spreadMs, 50),
                Percentiles.Of(spreadMs, 90),
                Percentiles.Of(spreadMs, 100),
                joined && sameRoot);
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    private static long[] Bytes(List<GossipNode> nodes)
    {
        long[] bytes = new long[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            TransportCounters c = nodes[i].TransportCounters;
            bytes[i] = c.BytesSent + c.BytesReceived + (28 * (c.DatagramsSent + c.DatagramsReceived)) + c.StreamBytesSent + c.StreamBytesReceived;
        }

        return bytes;
    }

    private static bool WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}
