using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>embedded</c>: the shape users deploy, one node per service process. Starts k <c>node</c> processes on loopback
/// (default 8; the first is the others' seed), waits until every one has seen every other join, then measures each
/// process over consecutive windows (60 s, or the whole <c>--duration</c> when shorter; default 5 windows) from the
/// outside, in /proc (CPU time, resident memory, threads, context switches, CPU per thread name), and from its own
/// <c>stats</c> line at each window edge (precise CPU time, GC heap, allocations, datagrams and bytes). Nothing is
/// sent to the nodes between edges: they are as idle as a member of a quiet cluster is. <c>--node-exe</c> runs the nodes
/// from another build (a NativeAOT executable, or another LoadGen assembly); <c>--stagger</c> starts them one at a time.
/// </summary>
internal static class EmbeddedScenario
{
    private const double GoalFirstWindowPercent = 0.2;
    private const double GoalSteadyPercent = 0.05;
    private const double GoalResidentMB = 35;
    private const int GoalThreads = 12;
    private const double GoalJoinedMs = 300;
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(10);

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        int k = args.Nodes ?? 8;
        if (k < 2)
        {
            Console.Error.WriteLine("error: embedded needs --nodes 2 or more (a node alone never joins anyone).");
            return LoadGenApp.BadArguments;
        }

        if (args.NodeExecutable is { } exe && !File.Exists(exe))
        {
            Console.Error.WriteLine($"error: --node-exe: {exe} does not exist.");
            return LoadGenApp.BadArguments;
        }

        TimeSpan interval = args.Interval ?? TimeSpan.FromMilliseconds(200);
        TimeSpan duration = args.Duration ?? TimeSpan.FromMinutes(5);
        TimeSpan window = duration < TimeSpan.FromSeconds(60) ? duration : TimeSpan.FromSeconds(60);
        int windows = Math.Max(1, (int)Math.Round(duration / window));
        var nodes = new List<EmbeddedNodeProcess>();
        List<KeyValuePair<string, string>> knobs = EmbeddedRuntimeKnobs.ForChildren();

        // Encrypted, as a service runs a node by default: one cluster key for the run, in a file only this user reads.
        string keyFile = Path.Combine(Directory.CreateTempSubdirectory("gossip-embedded-").FullName, "cluster.key");
        File.WriteAllText(keyFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        try
        {
            progress.Phase($"starting {k} node processes");
            long firstStart = Stopwatch.GetTimestamp();
            EmbeddedNodeProcess seed = EmbeddedNodeProcess.Start(null, interval, k - 1, keyFile, knobs, args.NodeExecutable);
            nodes.Add(seed);
            if (!seed.WaitUntil(static p => p.Address is not null, TimeSpan.FromSeconds(30)))
            {
                output.WriteLine("error: the seed process did not start");
                return 1;
            }

            for (int i = 1; i < k; i++)
            {
                EmbeddedNodeProcess node = EmbeddedNodeProcess.Start(seed.Address, interval, k - 1, keyFile, knobs, args.NodeExecutable);
                nodes.Add(node);
                if (args.Stagger && !node.WaitUntil(static p => double.IsFinite(p.JoinedMs), TimeSpan.FromSeconds(30)))
                {
                    output.WriteLine($"error: process {node.Pid} did not join within 30 s");
                    return 1;
                }
            }

            foreach (EmbeddedNodeProcess node in nodes)
            {
                if (!node.WaitUntil(static p => double.IsFinite(p.AllMembersMs), TimeSpan.FromSeconds(60)))
                {
                    output.WriteLine($"error: process {node.Pid} did not see every other process join within 60 s");
                    return 1;
                }
            }

            double formedMs = Stopwatch.GetElapsedTime(firstStart).TotalMilliseconds;
            double[] startupCpuMs = new double[k];
            for (int i = 0; i < k; i++)
            {
                startupCpuMs[i] = TicksToMs(ProcFs.TryRead(nodes[i].Pid)?.CpuTicks ?? 0);
            }

            // One stats request before the first edge, so the command path is compiled outside the windows; it also
            // tells what the JIT compiled during start-up.
            NodeStatsLine?[] startupStats = new NodeStatsLine?[k];
            for (int i = 0; i < k; i++)
            {
                startupStats[i] = nodes[i].RequestStats(StatsTimeout);
            }

            string loadStart = ProcFs.LoadAverage();
            progress.Phase($"measuring {windows} window(s) of {window.TotalSeconds:F0} s");
            List<EmbeddedWindow>[] rows = new List<EmbeddedWindow>[k];
            for (int i = 0; i < k; i++)
            {
                rows[i] = [];
            }

            Edge[] open = ReadEdge(nodes);
            long clock = Stopwatch.GetTimestamp();
            for (int w = 1; w <= windows; w++)
            {
                ThreadLedger?[] ledgers = new ThreadLedger?[k];
                for (int i = 0; i < k; i++)
                {
                    ledgers[i] = open[i].Proc is { } s ? new ThreadLedger(s) : null;
                }

                long windowStart = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(windowStart) < window)
                {
                    TimeSpan left = window - Stopwatch.GetElapsedTime(windowStart);
                    Thread.Sleep(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
                    for (int i = 0; i < k; i++)
                    {
                        if (ledgers[i] is { } ledger && ProcFs.TryRead(nodes[i].Pid) is { } snapshot)
                        {
                            ledger.Add(snapshot);
                        }
                    }
                }

                Edge[] close = ReadEdge(nodes);
                double seconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
                double startSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds - seconds;
                for (int i = 0; i < k; i++)
                {
                    if (ledgers[i] is { } ledger && close[i].Proc is { } last && open[i].Stats is { } s0 && close[i].Stats is { } s1)
                    {
                        ledger.Add(last);
                        rows[i].Add(Window(w, startSeconds, seconds, ledger, close[i].Memory, s0, s1));
                    }
                }

                open = close;
                progress.Phase($"window {w} of {windows} done");
            }

            EmbeddedReport report = Report(args, k, interval, window, formedMs, loadStart, nodes, new Startup(startupCpuMs, startupStats), rows, knobs);
            Print(report, output);
            if (args.JsonPath is { } json)
            {
                TargetsPrinter.WriteJson(report, json);
            }

            if (args.ChartsDirectory is { } charts)
            {
                WriteChart(report, charts);
            }

            return 0;
        }
        finally
        {
            foreach (EmbeddedNodeProcess node in nodes)
            {
                node.Dispose();
            }

            Directory.Delete(Path.GetDirectoryName(keyFile)!, recursive: true);
        }
    }

    private static Edge[] ReadEdge(List<EmbeddedNodeProcess> nodes)
    {
        // /proc first, then the stats request: both edges of a window charge it one request, at the same place.
        Edge[] edge = new Edge[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            ProcSnapshot? proc = ProcFs.TryRead(nodes[i].Pid);
            edge[i] = new Edge(proc, ProcFs.TryReadMemory(nodes[i].Pid), nodes[i].RequestStats(StatsTimeout));
        }

        return edge;
    }

    private static EmbeddedWindow Window(int w, double startSeconds, double seconds, ThreadLedger ledger, (long Proportional, long Private)? memory, NodeStatsLine s0, NodeStatsLine s1)
    {
        (long voluntary, long involuntary) = ledger.Switches();
        long datagrams = s1.DatagramsSent - s0.DatagramsSent + s1.DatagramsReceived - s0.DatagramsReceived;
        long bytes = s1.BytesSent - s0.BytesSent + s1.BytesReceived - s0.BytesReceived + (datagrams * TrafficSnapshot.DatagramHeaderBytes);
        var threads = new List<ThreadCpu>();
        foreach ((string name, long ticks) in ledger.CpuByName())
        {
            threads.Add(new ThreadCpu { Name = name, CpuMs = TicksToMs(ticks) });
        }

        return new EmbeddedWindow
        {
            Window = w,
            StartSeconds = Math.Round(startSeconds, 1),
            Seconds = Math.Round(seconds, 2),
            CpuPercent = TicksToMs(ledger.CpuTicks) / 10 / seconds,
            CpuPercentRusage = (s1.CpuMicroseconds - s0.CpuMicroseconds) / 1e4 / seconds,
            ResidentMB = ledger.Last.ResidentBytes / 1e6,
            ProportionalMB = (memory?.Proportional ?? 0) / 1e6,
            PrivateMB = (memory?.Private ?? 0) / 1e6,
            GcHeapMB = s1.GcHeapBytes / 1e6,
            Threads = ledger.Last.Threads.Count,
            MaxThreads = ledger.MaxThreads,
            ThreadsStarted = ledger.ThreadsStarted,
            VoluntarySwitchesPerSecond = voluntary / seconds,
            InvoluntarySwitchesPerSecond = involuntary / seconds,
            DatagramsPerSecond = datagrams / seconds,
            KBps = bytes / 1e3 / seconds,
            AllocatedBytesPerSecond = (s1.AllocatedBytes - s0.AllocatedBytes) / seconds,
            Gen0Collections = s1.Gen0 - s0.Gen0,
            CpuByThread = threads,
        };
    }

    private static EmbeddedReport Report(
        LoadGenArguments args,
        int k,
        TimeSpan interval,
        TimeSpan window,
        double formedMs,
        string loadStart,
        List<EmbeddedNodeProcess> nodes,
        Startup startup,
        List<EmbeddedWindow>[] rows,
        List<KeyValuePair<string, string>> knobs)
    {
        var processRows = new List<EmbeddedProcessRow>();
        for (int i = 0; i < k; i++)
        {
            processRows.Add(new EmbeddedProcessRow
            {
                Index = i,
                Pid = nodes[i].Pid,
                NodeId = nodes[i].NodeId ?? "",
                ListeningMs = Math.Round(nodes[i].ListeningMs, 1),
                JoinedMs = Math.Round(nodes[i].JoinedMs, 1),
                AllMembersMs = Math.Round(nodes[i].AllMembersMs, 1),
                StartupCpuMs = startup.CpuMs[i],
                StartupJitMethods = startup.Stats[i]?.JitMethods ?? 0,
                StartupJitMs = startup.Stats[i]?.JitMicroseconds is long us && us >= 0 ? us / 1e3 : -1,
                Windows = rows[i],
            });
        }

        var summaries = new List<EmbeddedWindowSummary>();
        int windowCount = 0;
        foreach (List<EmbeddedWindow> r in rows)
        {
            windowCount = Math.Max(windowCount, r.Count);
        }

        for (int w = 0; w < windowCount; w++)
        {
            var cpu = new List<double>();
            var rusage = new List<double>();
            var rss = new List<double>();
            var pss = new List<double>();
            var priv = new List<double>();
            var switches = new List<double>();
            var datagrams = new List<double>();
            int maxThreads = 0, started = 0;
            foreach (List<EmbeddedWindow> r in rows)
            {
                if (w < r.Count)
                {
                    cpu.Add(r[w].CpuPercent);
                    rusage.Add(r[w].CpuPercentRusage);
                    rss.Add(r[w].ResidentMB);
                    pss.Add(r[w].ProportionalMB);
                    priv.Add(r[w].PrivateMB);
                    switches.Add(r[w].VoluntarySwitchesPerSecond + r[w].InvoluntarySwitchesPerSecond);
                    datagrams.Add(r[w].DatagramsPerSecond);
                    maxThreads = Math.Max(maxThreads, r[w].MaxThreads);
                    started += r[w].ThreadsStarted;
                }
            }

            summaries.Add(new EmbeddedWindowSummary
            {
                Window = w + 1,
                MedianCpuPercent = Percentiles.Of(cpu, 50),
                MaxCpuPercent = Percentiles.Of(cpu, 100),
                MedianCpuPercentRusage = Percentiles.Of(rusage, 50),
                MedianResidentMB = Percentiles.Of(rss, 50),
                MaxResidentMB = Percentiles.Of(rss, 100),
                MedianProportionalMB = Percentiles.Of(pss, 50),
                MedianPrivateMB = Percentiles.Of(priv, 50),
                MaxThreads = maxThreads,
                ThreadsStarted = started,
                MedianSwitchesPerSecond = Percentiles.Of(switches, 50),
                MedianDatagramsPerSecond = Percentiles.Of(datagrams, 50),
            });
        }

        return new EmbeddedReport
        {
            CommandLine = args.CommandLine,
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            MachineCores = Environment.ProcessorCount,
            LoadAverageStart = loadStart,
            LoadAverageEnd = ProcFs.LoadAverage(),
            RuntimeEnvironment = RuntimeEnvironment(knobs),
            NodeCommand = EmbeddedNodeProcess.Describe(args.NodeExecutable),
            Staggered = args.Stagger,
            Processes = k,
            IntervalMs = interval.TotalMilliseconds,
            WindowSeconds = window.TotalSeconds,
            FormedMs = Math.Round(formedMs, 1),
            ProcessRows = processRows,
            Windows = summaries,
            Verdicts = Judge(processRows, summaries, window),
        };
    }

    private static List<string> Judge(List<EmbeddedProcessRow> processes, List<EmbeddedWindowSummary> windows, TimeSpan window)
    {
        var verdicts = new List<string>();
        string unit = window == TimeSpan.FromSeconds(60) ? "minute" : $"{window.TotalSeconds:F0} s window";
        if (windows.Count > 0)
        {
            double first = windows[0].MaxCpuPercent;
            verdicts.Add(Verdict($"CPU over the first {unit}, busiest process", first, GoalFirstWindowPercent, "%", "F3"));
        }

        if (windows.Count > 1)
        {
            double steady = 0;
            for (int w = 1; w < windows.Count; w++)
            {
                steady = Math.Max(steady, windows[w].MaxCpuPercent);
            }

            verdicts.Add(Verdict($"CPU per {unit} from the second on, busiest process and {unit}", steady, GoalSteadyPercent, "%", "F3"));
        }

        double rss = 0, joined = 0;
        int threads = 0;
        foreach (EmbeddedWindowSummary w in windows)
        {
            rss = Math.Max(rss, w.MaxResidentMB);
            threads = Math.Max(threads, w.MaxThreads);
        }

        foreach (EmbeddedProcessRow p in processes)
        {
            // The seed "joins" when the first other process reaches it, which is the others' start-up, not its own.
            if (p.Index > 0)
            {
                joined = Math.Max(joined, p.JoinedMs);
            }
        }

        verdicts.Add(Verdict("resident memory, largest", rss, GoalResidentMB, " MB", "F1"));
        verdicts.Add(Verdict("threads, most at once", threads, GoalThreads, "", "F0"));
        verdicts.Add(Verdict("process start to joined, slowest (seed excluded)", joined, GoalJoinedMs, " ms", "F0"));
        return verdicts;
    }

    private static string Verdict(string figure, double value, double goal, string unit, string format)
    {
        string v = value.ToString(format, CultureInfo.InvariantCulture);
        string g = goal.ToString(CultureInfo.InvariantCulture);
        return $"{figure}: {v}{unit} (goal <= {g}{unit}) {(value <= goal ? "met" : "missed")}";
    }

    private static List<string> RuntimeEnvironment(List<KeyValuePair<string, string>> added)
    {
        var knobs = new List<string>();
        foreach ((string name, string value) in added)
        {
            knobs.Add($"{name}={value}");
        }

        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            string name = (string)e.Key;
            if (name.StartsWith("DOTNET_", StringComparison.Ordinal) && name != "DOTNET_ROOT" && !name.StartsWith("DOTNET_CLI", StringComparison.Ordinal))
            {
                knobs.Add($"{name}={e.Value}");
            }
        }

        knobs.Sort(StringComparer.Ordinal);
        return knobs;
    }

    private static void Print(EmbeddedReport r, TextWriter output)
    {
        output.WriteLine($"command: {r.CommandLine}");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Processes} node processes, {r.IntervalMs} ms interval, {r.WindowSeconds} s windows; formed {r.FormedMs:F0} ms after the first start; load average {r.LoadAverageStart} -> {r.LoadAverageEnd}; {r.MachineCores} cores"));
        output.WriteLine($"runtime environment: {(r.RuntimeEnvironment.Count == 0 ? "(no DOTNET_ variables)" : string.Join(' ', r.RuntimeEnvironment))}");
        output.WriteLine($"node processes run: {r.NodeCommand}; started {(r.Staggered ? "one at a time, each once the one before had joined" : "the seed, then all the others at once")}");
        output.WriteLine($"{"proc",4} {"pid",7} {"listening ms",12} {"joined ms",10} {"all ms",8} {"startup CPU ms",14} {"JIT methods",11} {"JIT ms",7}");
        foreach (EmbeddedProcessRow p in r.ProcessRows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Index,4} {p.Pid,7} {p.ListeningMs,12:F0} {p.JoinedMs,10:F0} {p.AllMembersMs,8:F0} {p.StartupCpuMs,14:F0} {p.StartupJitMethods,11} {p.StartupJitMs,7:F1}"));
        }

        output.WriteLine($"{"window",6} {"proc",4} {"CPU %",7} {"rusage %",8} {"RSS MB",7} {"PSS MB",7} {"priv MB",7} {"heap MB",7} {"thr",4} {"max",4} {"born",4} {"vcsw/s",7} {"icsw/s",7} {"dgram/s",8} {"KB/s",6} {"alloc B/s",9} {"gen0",4}  top threads (CPU ms)");
        foreach (EmbeddedProcessRow p in r.ProcessRows)
        {
            foreach (EmbeddedWindow w in p.Windows)
            {
                var top = new List<string>();
                for (int i = 0; i < Math.Min(4, w.CpuByThread.Count); i++)
                {
                    top.Add(string.Create(CultureInfo.InvariantCulture, $"{w.CpuByThread[i].Name}={w.CpuByThread[i].CpuMs:F0}"));
                }

                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{w.Window,6} {p.Index,4} {w.CpuPercent,7:F3} {w.CpuPercentRusage,8:F3} {w.ResidentMB,7:F1} {w.ProportionalMB,7:F1} {w.PrivateMB,7:F1} {w.GcHeapMB,7:F2} {w.Threads,4} {w.MaxThreads,4} {w.ThreadsStarted,4} {w.VoluntarySwitchesPerSecond,7:F1} {w.InvoluntarySwitchesPerSecond,7:F1} {w.DatagramsPerSecond,8:F2} {w.KBps,6:F3} {w.AllocatedBytesPerSecond,9:F0} {w.Gen0Collections,4}  {string.Join(", ", top)}"));
            }
        }

        output.WriteLine($"{"window",6} {"median CPU %",12} {"max CPU %",9} {"rusage %",8} {"RSS MB",7} {"max RSS",7} {"PSS MB",7} {"priv MB",7} {"max thr",7} {"born",4} {"csw/s",6} {"dgram/s",8}");
        foreach (EmbeddedWindowSummary w in r.Windows)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{w.Window,6} {w.MedianCpuPercent,12:F3} {w.MaxCpuPercent,9:F3} {w.MedianCpuPercentRusage,8:F3} {w.MedianResidentMB,7:F1} {w.MaxResidentMB,7:F1} {w.MedianProportionalMB,7:F1} {w.MedianPrivateMB,7:F1} {w.MaxThreads,7} {w.ThreadsStarted,4} {w.MedianSwitchesPerSecond,6:F1} {w.MedianDatagramsPerSecond,8:F2}"));
        }

        foreach (string verdict in r.Verdicts)
        {
            output.WriteLine(verdict);
        }

        output.Flush();
    }

    private static void WriteChart(EmbeddedReport r, string directory)
    {
        Directory.CreateDirectory(directory);
        var chart = new SvgChart(
            $"{r.Processes} node processes, one node each ({r.IntervalMs:F0} ms): CPU per process",
            $"end of {r.WindowSeconds:F0} s window (s after the cluster formed)",
            "% of one core");
        var median = new List<(double, double)>();
        var max = new List<(double, double)>();
        foreach (EmbeddedWindowSummary w in r.Windows)
        {
            median.Add((w.Window * r.WindowSeconds, w.MedianCpuPercent));
            max.Add((w.Window * r.WindowSeconds, w.MaxCpuPercent));
        }

        chart.Add("median process", median);
        chart.Add("busiest process", max);
        chart.Save(Path.Combine(directory, $"embedded-cpu-{r.Processes}.svg"));
    }

    private static double TicksToMs(long ticks) => ticks * 1000.0 / ProcFs.TicksPerSecond;

    private readonly record struct Edge(ProcSnapshot? Proc, (long Proportional, long Private)? Memory, NodeStatsLine? Stats);

    private readonly record struct Startup(double[] CpuMs, NodeStatsLine?[] Stats);
}
