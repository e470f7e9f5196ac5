using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Simulation;
using Gossip.Engine.Transport;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>replicate</c>: the replicated map in the deterministic in-memory network (rounds and bytes, not wall time):
/// bytes and rounds to reconcile two replicas of 1,000,000 keys differing in d keys beside a flat digest; rounds for
/// one write to reach every node; steady bandwidth with and without writes; a half/half partition with conflicting
/// writes; memory per key. <c>--nodes</c> replaces the cluster sizes, and a smaller key count is used with it (a quick run).
/// With <c>--transport udp</c> (the default) a loopback UDP part follows (<see cref="ReplicateUdp"/>): 128 nodes (or
/// <c>--nodes</c>) holding 10,000 keys, their steady cost and the wall time of a write's spread.
/// </summary>
internal static class ReplicateScenario
{
    /// <summary>Bytes per key of a flat digest: its 8-byte hash and 8-byte stamp.</summary>
    public const int FlatDigestBytesPerKey = 16;

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {

        bool quick = args.Nodes is not null;
        int keys = quick ? 20_000 : 1_000_000;
        int[] differences = quick ? [1, 10, 100] : [1, 10, 100, 1_000, 10_000];
        int[] sizes = args.Nodes is { } n ? [n] : [128, 1_000];
        output.WriteLine($"command: {args.CommandLine}");

        var reconcile = new List<ReconcileRow>();
        output.WriteLine($"reconcile: two replicas of {keys:N0} keys (8-byte keys and values) differing in d keys");
        output.WriteLine($"{"d",8} {"depth",5} {"bytes",10} {"frames",6} {"rounds",6} {"flat digest B",14}");
        foreach (int d in differences)
        {
            progress.Phase($"replicate reconcile d={d}");
            ReconcileRow row = Reconcile(keys, d, args.Seed);
            reconcile.Add(row);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d,8} {row.TreeDepth,5} {row.Bytes,10:N0} {row.Frames,6} {row.Rounds,6} {row.FlatDigestBytes,14:N0}{(row.Converged ? "" : "  NOT CONVERGED")}"));
            output.Flush();
        }

        var spread = new List<DataSpreadRow>();
        output.WriteLine("spread of one write (rounds until every node holds it; 10 writes from random nodes)");
        foreach (int size in sizes)
        {
            progress.Phase($"replicate spread n={size}");
            DataSpreadRow row = Spread(size, 10, args.Seed);
            spread.Add(row);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  n={size,5}: p50 {row.P50Rounds} p90 {row.P90Rounds} p100 {row.MaxRounds} rounds"));
            output.Flush();
        }

        var steady = new List<DataSteadyRow>();
        int steadyNodes = args.Nodes ?? 128;
        double seconds = args.Duration?.TotalSeconds ?? 60;
        output.WriteLine($"steady: {steadyNodes} nodes holding 10,000 keys, {seconds} s of simulated time (bandwidth: payload + 28 B a datagram, sent + received)");
        foreach ((int held, double writesPerSecond) in new[] { (0, 0.0), (10_000, 0.0), (10_000, 100.0) })
        {
            progress.Phase($"replicate steady {held} keys {writesPerSecond}/s");
            DataSteadyRow row = Steady(steadyNodes, held, writesPerSecond, seconds, args.Seed);
            steady.Add(row);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {held,6} keys {writesPerSecond,5} writes/s: {row.KBPerSecondPerNode:F3} KB/s per node (busiest {row.BusiestKBPerSecond:F3}), repair {row.RepairBytesPerSecondPerNode:F1} B/s per node, compute {row.ComputeMsPerNodeSecond:F3} ms per node-second, {row.AllocatedBytesPerNodeRound:F1} B allocated per node-round{(row.Converged ? "" : ", NOT CONVERGED")}"));
            output.Flush();
        }

        progress.Phase("replicate partition");
        DataPartitionRow partition = Partition(args.Nodes ?? 128, 100, args.Seed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"partition: {partition.Nodes} nodes split in halves for {partition.PartitionRounds} rounds, {partition.ConflictingKeys} keys written on both sides; after the heal {partition.RoundsToConverge} rounds to one root ({partition.RepairBytes:N0} repair bytes), same root everywhere: {partition.SameRootEverywhere}, matches the LWW model: {partition.MatchesModel}"));

        progress.Phase("replicate memory");
        DataMemoryRow memory = Memory(keys);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory: {memory.Keys:N0} keys of {memory.KeyBytes} + {memory.ValueBytes} bytes: {memory.BytesPerKey:F1} B per key, {memory.OverheadPerKey:F1} B beyond key and value"));

        DataUdpRow? udp = null;
        if (args.Transport == "udp")
        {
            progress.Phase("replicate udp");
            udp = ReplicateUdp.Run(args.Nodes ?? 128, 10_000, args.Duration ?? TimeSpan.FromSeconds(30), 10, args.Seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"udp: {udp.Nodes} nodes on loopback holding {udp.Keys:N0} keys, {udp.Seconds:F0} s steady: {udp.KBPerSecondPerNode:F3} KB/s per node (busiest {udp.BusiestKBPerSecond:F3}), repair {udp.RepairBytesPerSecondPerNode:F1} B/s per node, CPU {udp.CpuPercentPerNode:F4} % per node ({udp.CpuPercentProcess:F2} % process); a write reaches every node in p50 {udp.SpreadP50Ms:F0} / p90 {udp.SpreadP90Ms:F0} / p100 {udp.SpreadMaxMs:F0} ms ({udp.Writes} writes){(udp.Converged ? "" : ", NOT CONVERGED")}"));
        }

        if (args.ChartsDirectory is { } dir)
        {
            var chart = new SvgChart($"Bytes to reconcile {keys:N0} keys differing in d keys", "d (differing keys)", "bytes moved", logX: true);
            chart.Add("Merkle tree repair", reconcile.Select(r => ((double)r.Differing, (double)r.Bytes)));
            chart.Add("flat digest of every key", reconcile.Select(r => ((double)r.Differing, (double)r.FlatDigestBytes)));
            Directory.CreateDirectory(dir);
            chart.Save(Path.Combine(dir, "replicate-reconcile-bytes.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(
                new ReplicateReport
                {
                    CommandLine = args.CommandLine,
                    Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    MachineCores = Environment.ProcessorCount,
                    Reconcile = reconcile,
                    Spread = spread,
                    Steady = steady,
                    Partition = partition,
                    Memory = memory,
                    Udp = udp,
                },
                json);
        }

        bool ok = reconcile.All(r => r.Converged) && steady.All(s => s.Converged) && partition.SameRootEverywhere && partition.MatchesModel && (udp?.Converged ?? true);
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Loads the same keys into two nodes (as if converged long ago), makes d of them differ (half newer on one side,
    /// half present on the other only), and runs rounds until the roots agree: the bytes and frames of the repair.
    /// </summary>
    public static ReconcileRow Reconcile(int keys, int differing, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = 2,
            Seed = seed,
            Configure = o =>
            {
                o.EventCapacity = 0;
                o.MaxDataEntries = 2 * keys;
            },
        });
        cluster.RunRounds(3);
        GossipNode a = cluster.Nodes[0];
        GossipNode b = cluster.Nodes[1];
        long now = cluster.Network.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> key = stackalloc byte[8];
        Span<byte> value = stackalloc byte[8];
        ulong old = HybridClock.FromMilliseconds(now - 60_000);
        for (int i = 0; i < keys; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(key, i);
            BinaryPrimitives.WriteInt64LittleEndian(value, i * 31L);
            var entry = new DataEntry(key, value, old, a.Id, deleted: false);
            _ = a.Data.Merge(entry);
            _ = b.Data.Merge(entry);
        }

        ulong fresh = HybridClock.FromMilliseconds(now - 1_000);
        for (int j = 0; j < differing; j++)
        {
            bool update = j % 2 == 0;
            BinaryPrimitives.WriteInt64LittleEndian(key, update ? (j * 7_919L) % keys : keys + j);
            BinaryPrimitives.WriteInt64LittleEndian(value, -j);
            _ = (update ? b : a).Data.Merge(new DataEntry(key, value, fresh, update ? b.Id : a.Id, deleted: false));
        }

        int rounds = cluster.RunUntil(c => c.Nodes[0].DataRootHash == c.Nodes[1].DataRootHash, 5_000);
        return new ReconcileRow(
            keys,
            differing,
            a.Data.Depth,
            a.Counters.DataRepairBytes + b.Counters.DataRepairBytes,
            a.Counters.DataRepairFrames + b.Counters.DataRepairFrames,
            rounds,
            ((long)keys * FlatDigestBytesPerKey) + (2L * differing * 35),
            rounds >= 0 && a.DataRootHash == b.DataRootHash);
    }

    /// <summary>Rounds for each of <paramref name="writes"/> writes (from random nodes) to reach every node.</summary>
    public static DataSpreadRow Spread(int nodes, int writes, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = nodes, Seed = seed, Configure = o => o.EventCapacity = 0 });
        cluster.RunRounds(5);
        var random = new Random((int)seed);
        var rounds = new List<double>();
        for (int w = 0; w < writes; w++)
        {
            byte[] key = BitConverter.GetBytes(w);
            cluster.Nodes[random.Next(nodes)].SetData(key, [1, 2, 3, 4]);
            int taken = cluster.RunUntil(c => c.Nodes.All(node => node.Data.TryGetVersion(key, out _, out _, out _)), 200);
            rounds.Add(taken < 0 ? double.NaN : taken);
            cluster.RunRounds(20);
        }

        return new DataSpreadRow(nodes, writes, Percentiles.Of(rounds, 50), Percentiles.Of(rounds, 90), Percentiles.Of(rounds, 100));
    }

    /// <summary>Steady cost of <paramref name="nodes"/> nodes holding <paramref name="keys"/> keys, with <paramref name="writesPerSecond"/> writes from random nodes.</summary>
    public static DataSteadyRow Steady(int nodes, int keys, double writesPerSecond, double seconds, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = nodes, Seed = seed, Configure = o => o.EventCapacity = 0 });
        cluster.RunRounds(5);
        long now = cluster.Network.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        ulong stamp = HybridClock.FromMilliseconds(now - 60_000);
        byte[] value = new byte[16];
        foreach (GossipNode node in cluster.Nodes)
        {
            for (int i = 0; i < keys; i++)
            {
                _ = node.Data.Merge(new DataEntry(BitConverter.GetBytes(i), value, stamp, cluster.Nodes[0].Id, deleted: false));
            }
        }

        cluster.RunRounds(50);
        var random = new Random((int)seed + 1);
        double interval = cluster.Interval.TotalSeconds;
        int windowRounds = (int)Math.Round(seconds / interval);
        double perRound = writesPerSecond * interval;
        double owed = 0;
        (long bytes, long busiest, long repair) before = Traffic(cluster, out long[] perNodeBefore);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Stopwatch.StartNew();
        for (int r = 0; r < windowRounds; r++)
        {
            owed += perRound;
            while (owed >= 1)
            {
                owed--;
                cluster.Nodes[random.Next(nodes)].SetData(BitConverter.GetBytes(random.Next(keys)), BitConverter.GetBytes(r));
            }

            cluster.RunRound();
        }

        double computeMs = cpu.Elapsed.TotalMilliseconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        (long bytes, long _, long repair) after = Traffic(cluster, out long[] perNodeAfter);
        long busiest = 0;
        for (int i = 0; i < nodes; i++)
        {
            busiest = Math.Max(busiest, perNodeAfter[i] - perNodeBefore[i]);
        }

        double window = windowRounds * interval;
        cluster.RunRounds(100);
        ulong root = cluster.Nodes[0].DataRootHash;
        bool converged = cluster.Nodes.All(n => n.DataRootHash == root);
        return new DataSteadyRow(
            nodes,
            keys,
            writesPerSecond,
            window,
            (after.bytes - before.bytes) / 1_000.0 / nodes / window,
            busiest / 1_000.0 / window,
            (after.repair - before.repair) / (double)nodes / window,
            computeMs / nodes / window,
            allocated / (double)nodes / windowRounds,
            converged);
    }

    /// <summary>A half/half partition where both halves write the same keys, then the heal.</summary>
    public static DataPartitionRow Partition(int nodes, int conflicting, ulong seed)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = nodes, Seed = seed, Configure = o => o.EventCapacity = 0 });
        cluster.RunRounds(5);
        for (int i = 0; i < nodes; i++)
        {
            cluster.Network.SetPartition(cluster.Nodes[i].Address, i < nodes / 2 ? 1 : 2);
        }

        var random = new Random((int)seed + 2);
        var model = new Dictionary<int, (ulong Stamp, ulong Origin, byte[] Value)>();
        const int PartitionRounds = 50;
        for (int r = 0; r < PartitionRounds; r++)
        {
            if (r % 5 == 0)
            {
                for (int k = 0; k < conflicting; k++)
                {
                    GossipNode writer = cluster.Nodes[random.Next(nodes)];
                    byte[] key = BitConverter.GetBytes(k);
                    byte[] value = BitConverter.GetBytes(random.Next());
                    writer.SetData(key, value);
                    _ = writer.Data.TryGetVersion(key, out ulong stamp, out NodeId origin, out _);
                    if (!model.TryGetValue(k, out (ulong Stamp, ulong Origin, byte[] Value) best) || ReplicatedMap.IsNewer(stamp, origin.Value, best.Stamp, best.Origin))
                    {
                        model[k] = (stamp, origin.Value, value);
                    }
                }
            }

            cluster.RunRound();
        }

        long repairBefore = cluster.Nodes.Sum(n => n.Counters.DataRepairBytes);
        cluster.Network.HealPartitions();
        int rounds = cluster.RunUntil(c => c.Nodes.All(n => n.DataRootHash == c.Nodes[0].DataRootHash), 2_000);
        long repair = cluster.Nodes.Sum(n => n.Counters.DataRepairBytes) - repairBefore;
        bool same = cluster.Nodes.All(n => n.DataRootHash == cluster.Nodes[0].DataRootHash);
        bool matches = cluster.Nodes.All(n => model.All(m => n.TryGetData(BitConverter.GetBytes(m.Key), out byte[] v) && v.AsSpan().SequenceEqual(m.Value.Value)));
        return new DataPartitionRow(nodes, conflicting, PartitionRounds, rounds, repair, same, matches);
    }

    /// <summary>Managed heap growth per key when one map holds <paramref name="keys"/> keys of 8 + 8 bytes.</summary>
    public static DataMemoryRow Memory(int keys)
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 1, Seed = 1, Configure = o => o.EventCapacity = 0 });
        ReplicatedMap map = cluster.Nodes[0].Data;
        long now = cluster.Network.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        ulong stamp = HybridClock.FromMilliseconds(now - 1_000);
        Span<byte> key = stackalloc byte[8];
        Span<byte> value = stackalloc byte[8];
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < keys; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(key, i);
            BinaryPrimitives.WriteInt64LittleEndian(value, i);
            _ = map.Merge(new DataEntry(key, value, stamp, cluster.Nodes[0].Id, deleted: false));
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(map);
        double perKey = (after - before) / (double)keys;
        return new DataMemoryRow(keys, 8, 8, perKey, perKey - 16);
    }

    private static (long Bytes, long Busiest, long Repair) Traffic(SimulatedCluster cluster, out long[] perNode)
    {
        perNode = new long[cluster.Nodes.Count];
        long total = 0;
        long repair = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            TransportCounters c = cluster.Nodes[i].TransportCounters;
            long bytes = c.BytesSent + c.BytesReceived + (28 * (c.DatagramsSent + c.DatagramsReceived)) + c.StreamBytesSent + c.StreamBytesReceived;
            perNode[i] = bytes;
            total += bytes;
            repair += cluster.Nodes[i].Counters.DataRepairBytes;
        }

        return (total, 0, repair);
    }
}
