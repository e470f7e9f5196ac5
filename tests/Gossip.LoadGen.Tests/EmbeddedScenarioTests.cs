using System.Text.Json;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// The <c>embedded</c> scenario in its short form: two real node processes for one 20 s window. It checks the report's
/// shape and what holds whatever the machine's load (they joined, they exchanged datagrams, /proc was read), not how
/// fast or cheap anything was.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class EmbeddedScenarioTests
{
    [Fact]
    public void Embedded_TwoProcesses_TwentySeconds_ReportsEveryFigurePerProcess()
    {
        string json = Path.GetTempFileName();
        string charts = Path.Combine(Path.GetTempPath(), "embedded-charts-" + Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        try
        {
            int exit = LoadGenApp.Run(["embedded", "--nodes", "2", "--duration", "20", "--stagger", "--quiet", "--json", json, "--charts", charts], output);
            Assert.True(exit == 0, output.ToString());
            Assert.True(File.Exists(Path.Combine(charts, "embedded-cpu-2.svg")));
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = report.RootElement;
            Assert.Equal(
                ["CommandLine", "Date", "MachineCores", "LoadAverageStart", "LoadAverageEnd", "RuntimeEnvironment", "NodeCommand", "Staggered", "Processes", "IntervalMs", "WindowSeconds", "FormedMs", "ProcessRows", "Windows", "Verdicts"],
                root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(2, root.GetProperty("Processes").GetInt32());
            Assert.True(root.GetProperty("Staggered").GetBoolean());
            Assert.EndsWith("Gossip.LoadGen.dll node", root.GetProperty("NodeCommand").GetString(), StringComparison.Ordinal);
            Assert.Equal(20, root.GetProperty("WindowSeconds").GetDouble());
            Assert.Equal(4, root.GetProperty("Verdicts").GetArrayLength()); // one window: no "from the second window on" verdict
            Assert.Equal(1, root.GetProperty("Windows").GetArrayLength());

            JsonElement[] processes = [.. root.GetProperty("ProcessRows").EnumerateArray()];
            Assert.Equal(2, processes.Length);
            Assert.NotEqual(processes[0].GetProperty("Pid").GetInt32(), processes[1].GetProperty("Pid").GetInt32());
            foreach (JsonElement p in processes)
            {
                Assert.Equal(
                    ["Index", "Pid", "NodeId", "ListeningMs", "JoinedMs", "AllMembersMs", "StartupCpuMs", "StartupJitMethods", "StartupJitMs", "Windows"],
                    p.EnumerateObject().Select(x => x.Name));
                Assert.True(p.GetProperty("ListeningMs").GetDouble() > 0);
                Assert.True(p.GetProperty("JoinedMs").GetDouble() >= p.GetProperty("ListeningMs").GetDouble());
                Assert.True(p.GetProperty("StartupCpuMs").GetDouble() > 0, "a process that started used some CPU");
                Assert.True(p.GetProperty("StartupJitMethods").GetInt64() > 0, "a node under the JIT compiled something");
                JsonElement w = Assert.Single(p.GetProperty("Windows").EnumerateArray());
                Assert.Equal(
                    [
                        "Window", "StartSeconds", "Seconds", "CpuPercent", "CpuPercentRusage", "ResidentMB", "ProportionalMB", "PrivateMB", "GcHeapMB", "Threads", "MaxThreads", "ThreadsStarted",
                        "VoluntarySwitchesPerSecond", "InvoluntarySwitchesPerSecond", "DatagramsPerSecond", "KBps", "AllocatedBytesPerSecond", "Gen0Collections", "CpuByThread",
                    ],
                    w.EnumerateObject().Select(x => x.Name));
                Assert.True(w.GetProperty("Seconds").GetDouble() >= 20);
                Assert.True(w.GetProperty("ResidentMB").GetDouble() > 0);

                // Shared pages count whole in resident memory, in part in proportional, not at all in private.
                Assert.InRange(w.GetProperty("ProportionalMB").GetDouble(), w.GetProperty("PrivateMB").GetDouble(), w.GetProperty("ResidentMB").GetDouble() + 1);
                Assert.True(w.GetProperty("PrivateMB").GetDouble() > 0);
                Assert.True(w.GetProperty("GcHeapMB").GetDouble() > 0);
                Assert.True(w.GetProperty("Threads").GetInt32() > 1);
                Assert.True(w.GetProperty("MaxThreads").GetInt32() >= w.GetProperty("Threads").GetInt32());

                // Two members probe each other every second or so: an idle pair still talks, and the process blocks between.
                Assert.True(w.GetProperty("DatagramsPerSecond").GetDouble() > 0);
                Assert.True(w.GetProperty("KBps").GetDouble() > 0);
                Assert.True(w.GetProperty("VoluntarySwitchesPerSecond").GetDouble() > 0);
                Assert.True(w.GetProperty("CpuPercentRusage").GetDouble() > 0);
                Assert.True(w.GetProperty("CpuPercent").GetDouble() >= 0);
                foreach (JsonElement t in w.GetProperty("CpuByThread").EnumerateArray())
                {
                    Assert.Equal(["Name", "CpuMs"], t.EnumerateObject().Select(x => x.Name));
                    Assert.True(t.GetProperty("CpuMs").GetDouble() > 0);
                }
            }
        }
        finally
        {
            File.Delete(json);
            if (Directory.Exists(charts))
            {
                Directory.Delete(charts, recursive: true);
            }
        }
    }

    [Fact]
    public void StatsLine_RoundTrips_AndRejectsOtherLines()
    {
        var stats = new NodeStatsLine(1_234_567, 2_000_000, 9_000_000, 3, 2, 1, 100, 101, 3_000, 3_100, 8, 240, 61_500);
        Assert.True(NodeStatsLine.TryParse(stats.ToString(), out NodeStatsLine parsed));
        Assert.Equal(stats, parsed);
        Assert.False(NodeStatsLine.TryParse("MemberJoined 0000000000001000", out _));

        // A build from before the JIT figures: they read as -1 (not reported), the rest as written.
        string older = stats.ToString()[..stats.ToString().IndexOf(" jit_methods=", StringComparison.Ordinal)];
        Assert.True(NodeStatsLine.TryParse(older, out NodeStatsLine old));
        Assert.Equal(stats with { JitMethods = -1, JitMicroseconds = -1 }, old);
        Assert.False(NodeStatsLine.TryParse("stats cpu_us=1", out _));
        Assert.False(NodeStatsLine.TryParse("stats cpu_us=x heap=1", out _));
    }

    [Fact]
    public void ProcStat_NameWithSpacesAndParentheses_ParsesCpuTicks()
    {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        string stat = "4242 (.NET TP (Worker)) S 1 4242 4242 0 -1 4194560 100 0 0 0 17 5 0 0 20 0 14 0 123 456";
        Assert.True(ProcFs.TryParseStat(stat, out string name, out long ticks));
        Assert.Equal(".NET TP (Worker)", name);
        Assert.Equal(22, ticks);
        Assert.False(ProcFs.TryParseStat("garbage", out _, out _));
    }

    [Fact]
    public void SmapsRollup_ProportionalAndPrivate_InBytes()
    {
        string text = "55d0a-7ffd [rollup]\nRss:               46988 kB\nPss:               20500 kB\nPss_Anon:           5700 kB\n"
            + "Shared_Clean:      30000 kB\nPrivate_Clean:      2000 kB\nPrivate_Dirty:      6000 kB\nAnonymous:          5796 kB\n";
        Assert.Equal((20_500L * 1024, 8_000L * 1024), ProcFs.ParseSmapsRollup(text));
        Assert.Null(ProcFs.ParseSmapsRollup("Rss: 1 kB\n"));
        (long proportional, long privateBytes)? self = ProcFs.TryReadMemory(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.True(self.Value.privateBytes > 0);
    }

    [Fact]
    public void ProcFs_ReadsThisProcess()
    {
        ProcSnapshot? self = ProcFs.TryRead(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.True(self.ResidentBytes > 0);
        Assert.Contains(self.Threads, t => t.Tid == Environment.ProcessId);
    }

    [Fact]
    public void ThreadLedger_CountsThreadsBornInTheWindow_AndCpuOfThreadsThatExitedUnseen()
    {
        var start = new ProcSnapshot(100, 1, [new ProcThread(1, "main", 50, 10, 1), new ProcThread(2, ".NET Timer", 20, 100, 2)]);
        var ledger = new ThreadLedger(start);
        ledger.Add(new ProcSnapshot(110, 1, [new ProcThread(1, "main", 50, 10, 1), new ProcThread(2, ".NET Timer", 22, 130, 2), new ProcThread(3, ".NET Tiered Com", 3, 4, 1)]));
        ledger.Add(new ProcSnapshot(120, 1, [new ProcThread(1, "main", 51, 11, 1), new ProcThread(2, ".NET Timer", 24, 160, 3)]));
        Assert.Equal(20, ledger.CpuTicks);
        Assert.Equal(1, ledger.ThreadsStarted);
        Assert.Equal(3, ledger.MaxThreads);
        Assert.Equal((1 + 60 + 4, 0 + 1 + 1), ledger.Switches());

        // main 1, timer 4, tiered 3 (last seen), and 12 ticks of threads never seen.
        Assert.Equal([("(exited unseen)", 12L), (".NET Timer", 4L), (".NET Tiered Com", 3L), ("main", 1L)], ledger.CpuByName());
    }
}
