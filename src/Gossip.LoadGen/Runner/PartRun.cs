using System.Globalization;
using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// One process's share of a multi-process run (<c>part</c>). The processes agree on everything but the start from the
/// <see cref="PartPlan"/>; the start is a barrier through the cluster itself: the coordinator (part 0's node 0) waits
/// until its nodes see the whole cluster, then broadcasts a rumor naming the run and a Unix time a few seconds ahead,
/// which reaches every live node. From that time on every process follows the same timetable by its own clock: the
/// steady window, the rumors (each originated by the process that holds its origin), the crashes (each done by the
/// process that holds the victim, and watched by every process's nodes), and the end, after which nothing is counted.
/// </summary>
internal static class PartRun
{
    /// <summary>Runs the timetable; null when the start was never announced (or named another run) within the timeout.</summary>
    public static PartReport? Execute(PartCluster cluster, IProcessMeter meter, Progress progress, PartSettings settings, WallClock clock)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        PartPlan plan = cluster.Plan;
        int part = cluster.Part;
        TimeProvider time = clock.Time;
        long frequency = time.TimestampFrequency;
        long runStart = time.GetTimestamp();
        var runner = new PhaseRunner(cluster, progress, settings.Poll);
        cluster.ExpectedLive = plan.ClusterNodes;

        double warmup = double.NaN;
        bool LocalConverged()
        {
            bool all = cluster.ConvergedCount() >= cluster.LiveCount();
            if (all && double.IsNaN(warmup))
            {
                warmup = time.GetElapsedTime(runStart).TotalSeconds;
            }

            return all;
        }

        double startUnixMs;
        if (part == 0)
        {
            _ = runner.RunUntil("warm-up (until every node here sees the whole cluster)", LocalConverged, settings.WarmupTimeout);
            startUnixMs = Math.Round(clock.NowUnixMs + settings.Settle.TotalMilliseconds);
            cluster.AnnounceStart(FormatStart(plan.RunId, startUnixMs));
        }
        else
        {
            string announced = "";
            bool heard = runner.RunUntil(
                "warm-up (until the coordinator announces the start)",
                () =>
                {
                    _ = LocalConverged();
                    return cluster.TryReadStart(out announced);
                },
                settings.StartTimeout);
            if (!heard || !TryParseStart(announced, plan.RunId, out startUnixMs))
            {
                return null;
            }
        }

        // Convergence is still watched while the start approaches (a node that completes its view now is counted late,
        // not never), and the wait ends at the start itself, not at the next poll after it.
        _ = runner.Run("settle until the shared start", () =>
        {
            TimeSpan left;
            while ((left = clock.Until(startUnixMs)) > TimeSpan.Zero)
            {
                _ = LocalConverged();
                cluster.Wait(left < settings.Poll ? left : settings.Poll);
            }

            return LocalConverged();
        });
        bool converged = !double.IsNaN(warmup);
        double warmupSeconds = converged ? warmup : time.GetElapsedTime(runStart).TotalSeconds;

        // The window: its edges are read with nothing allocated between them (WindowSampler); the rows are read outside.
        int n = cluster.Count;
        int[] liveStart = LiveMembers(cluster);
        long[] roundsStart = Rounds(cluster);
        int convergedAtStart = cluster.ConvergedCount();
        string loadStart = LoadAverage();
        double windowStartUnixMs = clock.NowUnixMs;
        var sampler = new WindowSampler(cluster, meter);
        WindowSample before = sampler.Start();
        runner.RunFor("steady window", clock.Until(startUnixMs + plan.Window.TotalMilliseconds));
        WindowSample after = sampler.End();
        long[] roundsEnd = Rounds(cluster);
        int[] liveEnd = LiveMembers(cluster);
        SteadyWindowResult steady = SteadyWindow.Compute(before, after, n, frequency);

        var rumors = new List<(PlannedEvent Event, double PlannedUnixMs, double OriginatedUnixMs, HashSet<NodeId> Expected)>();
        foreach (PlannedEvent r in plan.RumorPlan)
        {
            double planned = startUnixMs + r.Offset.TotalMilliseconds;
            runner.RunFor($"rumor {r.Number + 1}/{plan.RumorPlan.Count}: wait", clock.Until(planned));
            bool here = r.Part == part;
            HashSet<NodeId> expected = TargetsRun.LiveIds(cluster, except: here ? r.Index : -1);
            double originated = double.NaN;
            if (here)
            {
                originated = clock.NowUnixMs;
                _ = runner.Run($"rumor {r.Number + 1}: originate at node {r.Index}", () => cluster.Broadcast(r.Index, BitConverter.GetBytes(r.Number)));
            }

            rumors.Add((r, planned, originated, expected));
        }

        var crashes = new List<(PlannedEvent Event, double PlannedUnixMs, double CrashedUnixMs, HashSet<NodeId> Observers)>();
        var crashedAt = new Dictionary<NodeId, long>();
        foreach (PlannedEvent c in plan.CrashPlan)
        {
            double planned = startUnixMs + c.Offset.TotalMilliseconds;
            runner.RunFor($"crash {c.Number + 1}/{plan.CrashPlan.Count}: wait", clock.Until(planned));
            NodeId victim = plan.IdOf(c.Part, c.Index);
            bool here = c.Part == part;
            HashSet<NodeId> observers = KnowersOf(cluster, victim, except: here ? c.Index : -1);
            double crashed = double.NaN;
            if (here)
            {
                crashed = clock.NowUnixMs;
                _ = runner.Run($"crash {c.Number + 1}: crash node {c.Index}", () =>
                {
                    cluster.Crash(c.Index);
                    return c.Index;
                });
            }

            crashedAt[victim] = clock.ToTimestamp(here ? crashed : planned);
            cluster.ExpectedLive--;
            crashes.Add((c, planned, crashed, observers));
        }

        runner.RunFor("until the shared end", clock.Until(startUnixMs + plan.End.TotalMilliseconds));

        // Everything below reads what was recorded up to the end; the other processes stop at the same time.
        var nodeRows = new List<PartNodeRow>(n);
        for (int i = 0; i < n; i++)
        {
            TrafficSnapshot delta = after.Traffic[i] - before.Traffic[i];
            GossipNode node = cluster.Nodes[i];
            nodeRows.Add(new PartNodeRow
            {
                Id = node.Id.ToString(),
                Index = i,
                Address = node.Address.ToString(),
                WireBytes = delta.WireBytes,
                StreamBytes = delta.StreamBytesSent + delta.StreamBytesReceived,
                KBps = SteadyStateFigures.KilobytesPerSecond(delta, steady.Window),
                DatagramsSent = delta.DatagramsSent,
                DatagramsReceived = delta.DatagramsReceived,
                Rounds = roundsEnd[i] - roundsStart[i],
                LiveMembersAtWindowStart = liveStart[i],
                LiveMembersAtWindowEnd = liveEnd[i],
            });
        }

        var rumorRows = new List<PartRumorRow>();
        var rumorLast = new List<double>();
        foreach ((PlannedEvent r, double planned, double originated, HashSet<NodeId> expected) in rumors)
        {
            (int count, long first, long last) = cluster.PartLog.RumorFrom(plan.IdOf(r.Part, r.Index), expected);
            double from = double.IsNaN(originated) ? planned : originated;
            double lastUnix = count > 0 ? clock.ToUnixMs(last) : double.NaN;
            double lastMs = count < expected.Count ? double.PositiveInfinity : count == 0 ? 0 : lastUnix - from;
            rumorLast.Add(lastMs);
            rumorRows.Add(new PartRumorRow
            {
                Number = r.Number,
                Origin = plan.IdOf(r.Part, r.Index).ToString(),
                OriginPart = r.Part,
                PlannedUnixMs = planned,
                OriginatedUnixMs = originated,
                Expected = expected.Count,
                Received = count,
                FirstUnixMs = count > 0 ? clock.ToUnixMs(first) : double.NaN,
                LastUnixMs = lastUnix,
                LastMs = lastMs,
            });
        }

        var crashRows = new List<PartCrashRow>();
        var detections = new List<CrashDetection>();
        foreach ((PlannedEvent c, double planned, double crashed, HashSet<NodeId> observers) in crashes)
        {
            NodeId victim = plan.IdOf(c.Part, c.Index);
            double from = double.IsNaN(crashed) ? planned : crashed;
            (int count, long first, long last) = cluster.PartLog.DeathsOf(victim, observers, clock.ToTimestamp(from));
            double firstUnix = count > 0 ? clock.ToUnixMs(first) : double.NaN;
            double lastUnix = count > 0 ? clock.ToUnixMs(last) : double.NaN;
            bool all = count >= observers.Count && count > 0;
            crashRows.Add(new PartCrashRow
            {
                Number = c.Number,
                Victim = victim.ToString(),
                VictimPart = c.Part,
                VictimGlobalIndex = c.GlobalIndex(plan.NodesPerPart),
                PlannedUnixMs = planned,
                CrashedUnixMs = crashed,
                Expected = observers.Count,
                DetectedBy = count,
                FirstUnixMs = firstUnix,
                LastUnixMs = lastUnix,
            });
            detections.Add(Detection(c.GlobalIndex(plan.NodesPerPart), from, firstUnix, all ? lastUnix : double.NaN, count, observers.Count, plan.Interval));
        }

        (IReadOnlyList<NodeId> falseSubjects, int falseDeclarations) = cluster.PartLog.FalsePositives(crashedAt, runStart);
        var subjects = new List<string>(falseSubjects.Count);
        foreach (NodeId subject in falseSubjects)
        {
            subjects.Add(subject.ToString());
        }

        TimeSpan cpu = after.Process.CpuTime - before.Process.CpuTime;
        long wireBytes = 0, datagramsSent = 0;
        foreach (PartNodeRow row in nodeRows)
        {
            wireBytes += row.WireBytes;
            datagramsSent += row.DatagramsSent;
        }

        long allocated = after.Process.AllocatedBytes - before.Process.AllocatedBytes;
        return new PartReport
        {
            CommandLine = settings.CommandLine,
            RunId = plan.RunId,
            Part = part,
            Parts = plan.Parts,
            NodesPerPart = plan.NodesPerPart,
            ClusterNodes = plan.ClusterNodes,
            IntervalMs = plan.Interval.TotalMilliseconds,
            Fanout = settings.Fanout,
            Mode = settings.Mode,
            Encrypted = settings.Encrypted,
            Seed = plan.Seed,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            MachineCores = Environment.ProcessorCount,
            LoadAverageAtWindowStart = loadStart,
            LoadAverageAtEnd = LoadAverage(),
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Converged = converged,
            WarmupSeconds = warmupSeconds,
            ConvergedAtWindowStart = convergedAtStart,
            StartUnixMs = startUnixMs,
            WindowStartUnixMs = windowStartUnixMs,
            WindowSeconds = steady.Window.TotalSeconds,
            CpuSeconds = cpu.TotalSeconds,
            CpuPercentPerNode = steady.CpuPercentPerNode,
            CpuPercentProcess = steady.CpuPercentProcess,
            WireBytes = wireBytes,
            BandwidthKBpsPerNode = steady.KBpsPerNode,
            BandwidthKBpsBusiestNode = steady.KBpsBusiestNode,
            DatagramsSent = datagramsSent,
            DatagramsPerNodePerSecond = steady.DatagramsPerNodePerSecond,
            AllocatedBytes = allocated,
            NodeRounds = steady.NodeRounds,
            AllocatedBytesPerNodeRound = steady.AllocatedBytesPerNodeRound,
            Collections = [steady.Gen0, steady.Gen1, steady.Gen2],
            RumorP50Ms = Percentiles.Of(rumorLast, 50),
            RumorP90Ms = Percentiles.Of(rumorLast, 90),
            RumorP100Ms = Percentiles.Of(rumorLast, 100),
            RumorDuplicateDeliveries = cluster.PartLog.DuplicateRumors,
            Detection = DetectionDistribution.Of(detections),
            FalsePositiveSubjects = subjects,
            FalseDeathDeclarations = falseDeclarations,
            FalsePositiveWindowSeconds = time.GetElapsedTime(runStart).TotalSeconds,
            Nodes = nodeRows,
            Rumors = rumorRows,
            Crashes = crashRows,
            Phases = runner.Phases,
        };
    }

    /// <summary>The coordinator's announcement: the run id and the start, Unix ms.</summary>
    public static string FormatStart(string runId, double startUnixMs) => string.Create(CultureInfo.InvariantCulture, $"{runId}\n{startUnixMs:R}");

    /// <summary>Reads an announcement; false when it is malformed or names another run.</summary>
    public static bool TryParseStart(string announced, string runId, out double startUnixMs)
    {
        ArgumentNullException.ThrowIfNull(announced);
        int cut = announced.LastIndexOf('\n');
        startUnixMs = double.NaN;
        return cut >= 0
            && announced.AsSpan(0, cut).SequenceEqual(runId)
            && double.TryParse(announced.AsSpan(cut + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out startUnixMs)
            && double.IsFinite(startUnixMs);
    }

    /// <summary>One crash as the detection distribution counts it, from Unix times: first and last declaration after <paramref name="crashedUnixMs"/> (NaN: none, or not all).</summary>
    public static CrashDetection Detection(int victim, double crashedUnixMs, double firstUnixMs, double lastUnixMs, int detectedBy, int expected, TimeSpan interval)
    {
        double lastMs = double.IsNaN(lastUnixMs) ? double.PositiveInfinity : lastUnixMs - crashedUnixMs;
        return new CrashDetection
        {
            Victim = victim,
            FirstMs = double.IsNaN(firstUnixMs) ? double.PositiveInfinity : firstUnixMs - crashedUnixMs,
            LastMs = lastMs,
            LastRounds = double.IsFinite(lastMs) ? Timestamps.Rounds(TimeSpan.FromMilliseconds(Math.Max(lastMs, 0)), interval) : double.PositiveInfinity,
            DetectedBy = detectedBy,
            Expected = expected,
        };
    }

    /// <summary>The 1, 5 and 15 minute load averages of the machine (/proc/loadavg); empty where there is none.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static int[] LiveMembers(PartCluster cluster)
    {
        int[] live = new int[cluster.Count];
        for (int i = 0; i < live.Length; i++)
        {
            live[i] = cluster.IsLive(i) ? cluster.Nodes[i].LiveMemberCount : 0;
        }

        return live;
    }

    private static long[] Rounds(PartCluster cluster)
    {
        long[] rounds = new long[cluster.Count];
        for (int i = 0; i < rounds.Length; i++)
        {
            rounds[i] = cluster.Rounds(i);
        }

        return rounds;
    }

    private static HashSet<NodeId> KnowersOf(PartCluster cluster, NodeId victim, int except)
    {
        var ids = new HashSet<NodeId>();
        for (int i = 0; i < cluster.Count; i++)
        {
            if (i != except && cluster.IsLive(i) && cluster.Knows(i, victim))
            {
                ids.Add(cluster.IdOf(i));
            }
        }

        return ids;
    }
}
