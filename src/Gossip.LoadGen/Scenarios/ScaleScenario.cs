using System.Globalization;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>scale</c>: every <c>targets</c> figure as n grows, to show how CPU and bandwidth per node grow with n. On UDP
/// (real sockets, one process) the interval grows with n so the 2-core machine keeps up, and is printed; in memory the
/// nodes run in virtual time, so CPU per node is process CPU per virtual second per node: what the engine would cost
/// in real time, without the sockets.
/// </summary>
internal static class ScaleScenario
{
    /// <summary>UDP sizes and the interval each runs at on 2 cores.</summary>
    public static readonly (int Nodes, int IntervalMs)[] UdpSizes = [(128, 200), (512, 500), (2_000, 1_000), (10_000, 2_000)];

    /// <summary>In-memory sizes (all at the requested interval, default 200 ms).</summary>
    public static readonly int[] MemorySizes = [128, 1_000, 10_000, 100_000];

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        var reports = new List<TargetsReport>();
        (int Nodes, int IntervalMs)[] sizes = args.Nodes is { } n
            ? [(n, (int)(args.Interval?.TotalMilliseconds ?? 200))]
            : args.Transport == "udp"
                ? UdpSizes
                : Array.ConvertAll(MemorySizes, s => (s, (int)(args.Interval?.TotalMilliseconds ?? 200)));
        output.WriteLine($"command: {args.CommandLine}");
        output.WriteLine($"{"transport",9} {"n",7} {"interval",9} {"window s",9} {"CPU %/node",11} {"process %",10} {"KB/s/node",10} {"busiest",8} {"dgram/s/node",13} {"B/round",8} {"rumor p100",11} {"detect last",12} {"FP",3}");
        foreach ((int size, int intervalMs) in sizes)
        {
            LoadGenArguments sized = args.With(size, TimeSpan.FromMilliseconds(intervalMs));

            // Long windows at 100,000 nodes cost minutes of simulation per virtual minute; 20 s is enough for a steady figure.
            TimeSpan window = args.Duration ?? TimeSpan.FromSeconds(size >= 10_000 ? 20 : 60);
            // One crash per size unless --crashes asks for more: 20 detections at 2,000 nodes and 1 s rounds would add minutes per size.
            TargetsReport r = TargetsScenario.Run(sized, progress, size, TimeSpan.FromMilliseconds(intervalMs), window, "scale", defaultCrashes: 1);
            reports.Add(r);
            string unit = r.TimeBase == "virtual" ? " r" : " ms";
            string rumor = r.TimeBase == "virtual" ? Text(r.RumorP100Rounds, "F0") + unit : Text(r.RumorP100Ms, "F0") + unit;
            string detect = r.TimeBase == "virtual" ? Text(r.Detection.LastMaxRounds, "F0") + unit : Text(r.Detection.LastMaxMs, "F0") + unit;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Transport,9} {r.Nodes,7} {r.IntervalMs,6} ms {r.WindowSeconds,9:F0} {r.CpuPercentPerNode,11:F4} {r.CpuPercentProcess,10:F1} {r.BandwidthKBpsPerNode,10:F3} {r.BandwidthKBpsBusiestNode,8:F3} {r.DatagramsPerNodePerSecond,13:F2} {r.AllocatedBytesPerNodeRound,8:F1} {rumor,11} {detect,12} {r.FalsePositives,3}"));
            output.Flush();
        }

        if (args.ChartsDirectory is { } dir && reports.Count > 0)
        {
            Directory.CreateDirectory(dir);
            var cpu = new SvgChart($"CPU per node against cluster size ({args.Transport})", "nodes", "% of one core", logX: true);
            var bandwidth = new SvgChart($"Bandwidth per node against cluster size ({args.Transport})", "nodes", "KB/s", logX: true);
            cpu.Add(args.Transport, reports.ConvertAll(r => ((double)r.Nodes, r.CpuPercentPerNode)));
            bandwidth.Add(args.Transport, reports.ConvertAll(r => ((double)r.Nodes, r.BandwidthKBpsPerNode)));
            cpu.Save(Path.Combine(dir, $"scale-cpu-{args.Transport}.svg"));
            bandwidth.Save(Path.Combine(dir, $"scale-bandwidth-{args.Transport}.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(
                new ScaleReport
                {
                    CommandLine = args.CommandLine,
                    Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    MachineCores = Environment.ProcessorCount,
                    Sizes = reports,
                },
                json);
        }

        return 0;
    }

    private static string Text(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "never";
}
