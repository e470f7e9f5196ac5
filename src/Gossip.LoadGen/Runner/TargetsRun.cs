using System.Globalization;
using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// The phases of the <c>targets</c> run on any <see cref="IClusterUnderTest"/>: warm-up until converged (or timeout),
/// first contacts (encrypted: until every node has opened a frame of every live peer, or timeout), settle, steady
/// window (CPU, bandwidth, datagrams, allocations, GCs), rumor injection (dissemination p50/p90/p100),
/// fault injection (crashes one after another: detection p50/p90/max for the first and the last detector, <see cref="CrashSeries"/>), measurement (false positives over the whole run, verdicts).
/// </summary>
internal static class TargetsRun
{
    /// <summary>Runs every phase and returns the report.</summary>
    public static TargetsReport Execute(IClusterUnderTest cluster, IProcessMeter meter, Progress progress, TargetsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(settings);
        TimeProvider time = cluster.Time;
        long frequency = time.TimestampFrequency;
        long runStart = time.GetTimestamp();
        var runner = new PhaseRunner(cluster, progress, settings.Poll);
        int n = cluster.Count;

        bool converged = runner.RunUntil("warm-up (until converged)", () => cluster.ConvergedCount() >= LiveCount(cluster), settings.WarmupTimeout);
        double warmupSeconds = runner.Phases[^1].Seconds;
        int convergedAtWarmupEnd = cluster.ConvergedCount();

        // Encrypted, a node makes a replay window and derives a key for each sender the first time it opens one of its
        // frames (about 430 B, once per pair). Pairs meet by gossip and probes, the last of them only when a probe
        // rotation (one probe a second, each member in turn) first reaches them: a minute or two after convergence at
        // 128 nodes. A window opened before that measures those first meetings, not steady rounds.
        int unmetAtWarmupEnd = cluster.UnmetPairs();
        bool pairsMet = runner.RunUntil("first contacts (every node has opened a frame of every live peer)", () => cluster.UnmetPairs() == 0, settings.FirstContactTimeout);
        double firstContactSeconds = runner.Phases[^1].Seconds;
        runner.RunFor("settle (join traffic dies down)", cluster.Interval * settings.SettleRounds);

        // Joins leave stream connections open until their idle timeouts; their teardown (cancelled reads, sockets
        // closed) is the end of the warm-up, not a steady round.
        int openAfterSettle = cluster.OpenStreams();
        if (openAfterSettle > 0)
        {
            runner.RunUntil("join streams closed (idle connections time out)", () => cluster.OpenStreams() == 0, settings.StreamsClosedTimeout);
        }

        int unmetAtWindowStart = cluster.UnmetPairs();
        int streamsAtWindowStart = cluster.OpenStreams();

        var sampler = new WindowSampler(cluster, meter);
        WindowSample before = sampler.Start();
        runner.RunFor("steady window", settings.Window);
        WindowSample after = sampler.End();
        SteadyWindowResult steady = SteadyWindow.Compute(before, after, n, frequency);

        var random = new SeededRandom(settings.Seed);
        var rumorTimes = new List<double>();
        var rumorRounds = new List<double>();
        var firstSpread = new List<double[]>();
        int complete = 0;
        for (int r = 0; r < settings.Rumors; r++)
        {
            int origin = RandomLive(cluster, random);
            HashSet<NodeId> expected = LiveIds(cluster, except: origin);
            long originatedAt = time.GetTimestamp();
            RumorId id = runner.Run($"rumor {r + 1}/{settings.Rumors}: originate", () => cluster.Broadcast(origin, BitConverter.GetBytes(r)));
            bool all = runner.RunUntil($"rumor {r + 1}/{settings.Rumors}: spread", () => cluster.Log.Spread(id, expected).Count >= expected.Count, settings.RumorTimeout);
            if (all)
            {
                complete++;
                TimeSpan elapsed = expected.Count == 0 ? TimeSpan.Zero : Timestamps.Between(originatedAt, cluster.Log.Spread(id, expected).LastTimestamp, frequency);
                rumorTimes.Add(elapsed.TotalMilliseconds);
                rumorRounds.Add(Timestamps.Rounds(elapsed, cluster.Interval));
            }
            else
            {
                rumorTimes.Add(double.PositiveInfinity);
                rumorRounds.Add(double.PositiveInfinity);
            }

            if (r == 0)
            {
                int live = expected.Count + 1;
                firstSpread.Add([0, 1.0 / live]);
                long[] arrivals = cluster.Log.Arrivals(id, expected);
                for (int i = 0; i < arrivals.Length; i++)
                {
                    firstSpread.Add([Timestamps.Between(originatedAt, arrivals[i], frequency).TotalMilliseconds, (i + 2.0) / live]);
                }
            }

            runner.RunFor($"rumor {r + 1}/{settings.Rumors}: retire", cluster.Interval * settings.RoundsBetweenRumors);
        }

        var crashes = new CrashSeries(cluster, runner);
        crashes.Run(settings.Crashes, random, settings.DetectionTimeout, settings.RoundsBetweenCrashes);
        DetectionDistribution detection = DetectionDistribution.Of(crashes.Detections);

        (int falsePositives, int falseDeclarations) = cluster.Log.FalsePositives(crashes.CrashedAt, runStart);
        double p100 = Percentiles.Of(rumorTimes, 100);
        IReadOnlyList<GoalVerdict> verdicts = Verdicts.Judge(steady.CpuPercentPerNode, steady.KBpsPerNode, p100, detection, falsePositives);
        return new TargetsReport
        {
            Command = settings.Command,
            CommandLine = settings.CommandLine,
            Transport = cluster.Transport,
            TimeBase = cluster.VirtualTime ? "virtual" : "wall",
            Nodes = n,
            IntervalMs = cluster.Interval.TotalMilliseconds,
            Fanout = settings.Fanout,
            Mode = settings.Mode,
            Security = settings.Security,
            Loss = settings.Loss,
            Seed = settings.Seed,
            MachineCores = Environment.ProcessorCount,
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Converged = converged,
            WarmupSeconds = warmupSeconds,
            ConvergedAtWarmupEnd = convergedAtWarmupEnd,
            UnmetPairsAtWarmupEnd = unmetAtWarmupEnd,
            PairsMet = pairsMet,
            FirstContactSeconds = firstContactSeconds,
            UnmetPairsAtWindowStart = unmetAtWindowStart,
            StreamsOpenAfterSettle = openAfterSettle,
            StreamsOpenAtWindowStart = streamsAtWindowStart,
            WindowSeconds = steady.Window.TotalSeconds,
            CpuPercentPerNode = steady.CpuPercentPerNode,
            CpuPercentProcess = steady.CpuPercentProcess,
            BandwidthKBpsPerNode = steady.KBpsPerNode,
            BandwidthKBpsBusiestNode = steady.KBpsBusiestNode,
            DatagramsPerNodePerSecond = steady.DatagramsPerNodePerSecond,
            AllocatedBytesPerNodeRound = steady.AllocatedBytesPerNodeRound,
            NodeRounds = steady.NodeRounds,
            Gen0Collections = steady.Gen0,
            Gen1Collections = steady.Gen1,
            Gen2Collections = steady.Gen2,
            Rumors = rumorTimes.Count,
            RumorsComplete = complete,
            RumorP50Ms = Percentiles.Of(rumorTimes, 50),
            RumorP90Ms = Percentiles.Of(rumorTimes, 90),
            RumorP100Ms = p100,
            RumorP50Rounds = Percentiles.Of(rumorRounds, 50),
            RumorP90Rounds = Percentiles.Of(rumorRounds, 90),
            RumorP100Rounds = Percentiles.Of(rumorRounds, 100),
            RumorDuplicateDeliveries = cluster.Log.DuplicateRumors,
            Detection = detection,
            FalsePositives = falsePositives,
            FalseDeathDeclarations = falseDeclarations,
            FalsePositiveWindowSeconds = time.GetElapsedTime(runStart).TotalSeconds,
            Verdicts = verdicts,
            SeedTargetsMet = Verdicts.SeedTargetsMet(verdicts),
            Phases = runner.Phases,
            FirstRumorSpread = firstSpread,
        };
    }

    private static int LiveCount(IClusterUnderTest cluster)
    {
        int live = 0;
        for (int i = 0; i < cluster.Count; i++)
        {
            live += cluster.IsLive(i) ? 1 : 0;
        }

        return live;
    }

    private static int RandomLive(IClusterUnderTest cluster, SeededRandom random)
    {
        while (true)
        {
            int index = random.Next(cluster.Count);
            if (cluster.IsLive(index))
            {
                return index;
            }
        }
    }

    /// <summary>The ids of the live nodes of <paramref name="cluster"/> but one (-1: none left out).</summary>
    internal static HashSet<NodeId> LiveIds(IClusterUnderTest cluster, int except)
    {
        var ids = new HashSet<NodeId>();
        for (int i = 0; i < cluster.Count; i++)
        {
            if (i != except && cluster.IsLive(i))
            {
                ids.Add(cluster.IdOf(i));
            }
        }

        return ids;
    }
}
