using System.Diagnostics;
using System.Globalization;
using Gossip.Engine;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The headline run: n nodes on UDP loopback in this process. Phases: warm-up until every node sees every other,
/// a steady window (CPU, bandwidth, allocations), 10 rumors (dissemination p50/p90/p100), one crash (detection
/// first/last, false positives).
/// </summary>
internal static class TargetsScenario
{
    public const double SeedCpuPercent = 2.0;
    public const double SeedBandwidthKBps = 60.0;

    public static TargetsReport Run(LoadGenArguments args, Progress progress, int defaultNodes, TimeSpan defaultInterval, TimeSpan defaultWindow, string command)
    {
        int n = args.Nodes ?? defaultNodes;
        TimeSpan interval = args.Interval ?? defaultInterval;
        TimeSpan window = args.Duration ?? defaultWindow;
        var recorder = new EventRecorder();
        progress.Phase($"starting {n} nodes on UDP loopback, interval {interval.TotalMilliseconds} ms, fanout {args.Fanout}, {args.Mode}");
        using var cluster = new UdpCluster(
            n,
            o =>
            {
                o.GossipInterval = interval;
                o.Fanout = args.Fanout;
                o.Mode = args.Mode;
                o.EventCapacity = 4_096;
            },
            args.Seeds,
            recorder);

        progress.Phase("warm-up: waiting until every node sees every other alive");
        var warmup = Stopwatch.StartNew();
        TimeSpan warmupLimit = TimeSpan.FromSeconds(Math.Clamp(n / 16.0, 60, 180));
        while (cluster.ConvergedCount() < n && warmup.Elapsed < warmupLimit)
        {
            Thread.Sleep(100);
            progress.Update(cluster.ConvergedCount(), n, 0);
        }

        progress.EndLine();
        double warmupSeconds = warmup.Elapsed.TotalSeconds;
        int convergedAtWarmupEnd = cluster.ConvergedCount();

        // Let the join traffic (membership events, syncs) die down so the window measures the steady state.
        Thread.Sleep(interval * 30);

        progress.Phase($"steady window: {window.TotalSeconds} s");
        SteadyWindow steady = MeasureSteadyWindow(cluster, window, progress);

        progress.Phase("dissemination: 10 rumors");
        var rumorTimes = new List<double>();
        var random = new Random((int)args.Seed);
        for (int r = 0; r < 10; r++)
        {
            GossipNode origin = cluster.Nodes[random.Next(n)];
            long start = Stopwatch.GetTimestamp();
            RumorId id = origin.Broadcast(BitConverter.GetBytes(r));
            var wait = Stopwatch.StartNew();
            long last = 0;
            while (recorder.RumorArrivals(id, out last) < n - 1 && wait.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(2);
            }

            rumorTimes.Add(recorder.RumorArrivals(id, out last) >= n - 1 ? Stopwatch.GetElapsedTime(start, last).TotalMilliseconds : double.PositiveInfinity);
            Thread.Sleep(interval * 5);
        }

        progress.Phase("failure detection: crashing one node");
        int victim = n / 2;
        NodeId victimId = cluster.Nodes[victim].Id;
        long crashAt = Stopwatch.GetTimestamp();
        cluster.Crash(victim);
        var detect = Stopwatch.StartNew();
        int detectedBy;
        long first, last2;
        while ((detectedBy = recorder.DeathsOf(victimId, out first, out last2)) < n - 1 && detect.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(10);
        }

        int falsePositives = recorder.FalsePositives(new HashSet<NodeId> { victimId });
        bool met = steady.CpuPercentPerNode < SeedCpuPercent && steady.KBpsPerNode < SeedBandwidthKBps;
        return new TargetsReport
        {
            Command = command,
            Transport = "udp",
            Nodes = n,
            IntervalMs = interval.TotalMilliseconds,
            Fanout = args.Fanout,
            Mode = args.Mode.ToString(),
            MachineCores = Environment.ProcessorCount,
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            WarmupSeconds = warmupSeconds,
            ConvergedAtWarmupEnd = convergedAtWarmupEnd,
            WindowSeconds = window.TotalSeconds,
            CpuPercentPerNode = steady.CpuPercentPerNode,
            CpuPercentProcess = steady.CpuPercentProcess,
            BandwidthKBpsPerNode = steady.KBpsPerNode,
            BandwidthKBpsBusiestNode = steady.KBpsBusiest,
            DatagramsPerNodePerSecond = steady.DatagramsPerNodePerSecond,
            AllocatedBytesPerNodeRound = steady.AllocatedPerNodeRound,
            Gen0Collections = steady.Gen0,
            Gen1Collections = steady.Gen1,
            Gen2Collections = steady.Gen2,
            Rumors = rumorTimes.Count,
            RumorP50Ms = Percentiles.Of(rumorTimes, 50),
            RumorP90Ms = Percentiles.Of(rumorTimes, 90),
            RumorP100Ms = Percentiles.Of(rumorTimes, 100),
            DetectionFirstMs = detectedBy > 0 ? Stopwatch.GetElapsedTime(crashAt, first).TotalMilliseconds : double.PositiveInfinity,
            DetectionLastMs = detectedBy >= n - 1 ? Stopwatch.GetElapsedTime(crashAt, last2).TotalMilliseconds : double.PositiveInfinity,
            DetectedBy = detectedBy,
            FalsePositives = falsePositives,
            SeedTargetsMet = met,
        };
    }

    private static SteadyWindow MeasureSteadyWindow(UdpCluster cluster, TimeSpan window, Progress progress)
    {
        int n = cluster.Nodes.Count;
        var perNodeBefore = new TrafficSnapshot[n];
        long roundsBefore = 0;
        for (int i = 0; i < n; i++)
        {
            perNodeBefore[i] = TrafficSnapshot.Of(cluster.Nodes[i].TransportCounters);
            roundsBefore += cluster.Nodes[i].Round;
        }

        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            Thread.Sleep(500);
            long datagrams = 0;
            foreach (GossipNode node in cluster.Nodes)
            {
                datagrams += node.TransportCounters.DatagramsSent;
            }

            progress.Update(cluster.ConvergedCount(), n, datagrams / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
        }

        progress.EndLine();
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
        TimeSpan elapsed = clock.Elapsed;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        TrafficSnapshot total = default;
        double busiest = 0;
        long rounds = 0;
        for (int i = 0; i < n; i++)
        {
            TrafficSnapshot delta = TrafficSnapshot.Of(cluster.Nodes[i].TransportCounters) - perNodeBefore[i];
            total += delta;
            busiest = Math.Max(busiest, SteadyStateFigures.KilobytesPerSecond(delta, elapsed));
            rounds += cluster.Nodes[i].Round;
        }

        return new SteadyWindow(
            SteadyStateFigures.CpuPercentPerNode(cpu, elapsed, n),
            SteadyStateFigures.CpuPercentTotal(cpu, elapsed),
            SteadyStateFigures.KilobytesPerSecondPerNode(total, elapsed, n),
            busiest,
            SteadyStateFigures.DatagramsPerNodePerSecond(total, elapsed, n),
            SteadyStateFigures.AllocatedBytesPerNodeRound(allocated, rounds - roundsBefore),
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2);
    }

    private readonly record struct SteadyWindow(
        double CpuPercentPerNode, double CpuPercentProcess, double KBpsPerNode, double KBpsBusiest, double DatagramsPerNodePerSecond,
        double AllocatedPerNodeRound, int Gen0, int Gen1, int Gen2);
}
