using System.Diagnostics;
using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>scale</c>: how CPU and bandwidth per node grow with n. On UDP (real sockets, one process) the interval
/// grows with n so the 2-core machine keeps up (printed); in memory the nodes run in virtual time and CPU per node
/// is the process CPU spent per virtual second per node, i.e. what the engine would cost in real time.
/// </summary>
internal static class ScaleScenario
{
    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        var rows = new List<ScaleRow>();
        if (args.Transport == "udp")
        {
            (int N, int IntervalMs)[] sizes = args.Nodes is { } n ? [(n, (int)(args.Interval?.TotalMilliseconds ?? 200))] : [(128, 200), (512, 500), (2_000, 1_000)];
            foreach ((int size, int intervalMs) in sizes)
            {
                LoadGenArguments sized = args.With(size, TimeSpan.FromMilliseconds(intervalMs));
                TargetsReport r = TargetsScenario.Run(sized, progress, size, TimeSpan.FromMilliseconds(intervalMs), args.Duration ?? TimeSpan.FromSeconds(20), "scale");
                rows.Add(new ScaleRow("udp", size, intervalMs, r.CpuPercentPerNode, r.BandwidthKBpsPerNode, r.DatagramsPerNodePerSecond, r.RumorP100Ms, r.DetectionLastMs));
            }
        }

        int[] memorySizes = args.Transport == "memory" && args.Nodes is { } m ? [m] : args.Transport == "memory" ? [1_000, 10_000, 100_000] : [];
        foreach (int size in memorySizes)
        {
            progress.Phase($"memory n={size}");
            rows.Add(RunInMemory(size, args));
        }

        output.WriteLine($"{"transport",9} {"n",8} {"interval",9} {"CPU %/node",11} {"KB/s/node",10} {"dgram/s/node",13} {"rumor p100 ms",14} {"detect last ms",15}");
        foreach (ScaleRow r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Transport,9} {r.Nodes,8} {r.IntervalMs,7} ms {r.CpuPercentPerNode,11:F4} {r.KBpsPerNode,10:F3} {r.DatagramsPerNodePerSecond,13:F2} {r.RumorP100Ms,14:F0} {r.DetectionLastMs,15:F0}"));
        }

        if (args.ChartsDirectory is { } dir && rows.Count > 0)
        {
            Directory.CreateDirectory(dir);
            var cpu = new SvgChart("CPU per node against cluster size", "nodes", "% of one core", logX: true);
            var bandwidth = new SvgChart("Bandwidth per node against cluster size", "nodes", "KB/s", logX: true);
            foreach (string transport in new[] { "udp", "memory" })
            {
                List<ScaleRow> series = rows.FindAll(r => r.Transport == transport);
                if (series.Count > 0)
                {
                    cpu.Add(transport, series.ConvertAll(r => ((double)r.Nodes, r.CpuPercentPerNode)));
                    bandwidth.Add(transport, series.ConvertAll(r => ((double)r.Nodes, r.KBpsPerNode)));
                }
            }

            cpu.Save(Path.Combine(dir, $"scale-cpu-{args.Transport}.svg"));
            bandwidth.Save(Path.Combine(dir, $"scale-bandwidth-{args.Transport}.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(rows, json);
        }

        return 0;
    }

    private static ScaleRow RunInMemory(int n, LoadGenArguments args)
    {
        TimeSpan interval = args.Interval ?? TimeSpan.FromMilliseconds(200);
        bool large = n > 2_000;
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = n,
            Seed = args.Seed,
            Bootstrap = large ? ClusterBootstrap.RandomViews : ClusterBootstrap.FullMembership,
            ViewSize = 32,
            Configure = o =>
            {
                o.GossipInterval = interval;
                o.Fanout = args.Fanout;
                o.Mode = args.Mode;
                o.MaxRumors = 16;
                o.MaxMembers = large ? 33 : o.MaxMembers;
            },
            Network = new SimulatedNetworkOptions { LossRate = args.Loss },
        });
        cluster.RunRounds(20);
        int windowRounds = (int)((args.Duration ?? TimeSpan.FromSeconds(n >= 10_000 ? 20 : 60)) / interval);
        TrafficSnapshot before = Traffic(cluster);
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        cluster.RunRounds(windowRounds);
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
        TimeSpan virtualWindow = interval * windowRounds;
        TrafficSnapshot delta = Traffic(cluster) - before;
        return new ScaleRow(
            "memory",
            n,
            (int)interval.TotalMilliseconds,
            SteadyStateFigures.CpuPercentPerNode(cpu, virtualWindow, n),
            SteadyStateFigures.KilobytesPerSecondPerNode(delta, virtualWindow, n),
            SteadyStateFigures.DatagramsPerNodePerSecond(delta, virtualWindow, n),
            double.NaN,
            double.NaN);
    }

    private static TrafficSnapshot Traffic(SimulatedCluster cluster)
    {
        TrafficSnapshot total = default;
        foreach (GossipNode node in cluster.Nodes)
        {
            total += TrafficSnapshot.Of(node.TransportCounters);
        }

        return total;
    }

    private sealed record ScaleRow(string Transport, int Nodes, int IntervalMs, double CpuPercentPerNode, double KBpsPerNode, double DatagramsPerNodePerSecond, double RumorP100Ms, double DetectionLastMs);
}
