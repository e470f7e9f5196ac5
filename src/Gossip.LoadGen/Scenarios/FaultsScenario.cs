using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>faults</c>, in the deterministic in-memory network: crash detection as a distribution (20 crashes one after
/// another, <see cref="CrashSeries"/>) and false positives at 0-30 % loss, half/half partitions of 12 s up to 1 hour
/// that heal (<see cref="PartitionHealCase"/>), and churn (nodes crashing and restarting with new generations)
/// followed by a check that every live node holds every live node's application state: nothing lost.
/// </summary>
internal static class FaultsScenario
{
    private const int QuietRounds = 2_000;

    // Up to 60 s per crash, as in targets: a detection that slow misses the goal by far and is still measured.
    private const int DetectionTimeoutRounds = 300;

    private const int RoundsBetweenCrashes = 5;

    /// <summary>Partition lengths in rounds: 12 s (the old single case), 1 minute, 10 minutes and 1 hour at 200 ms.</summary>
    private static readonly int[] PartitionRounds = [60, 300, 3_000, 18_000];

    /// <summary>Heal sizes when <c>--nodes</c> is not given. 128 nodes partitioned for an hour is 2.3 million node-rounds, about 2 s a trial here.</summary>
    private static readonly int[] HealSizes = [32, 128];

    /// <summary>Pause lengths: 1 s is the goal (no false death); 2 s shows where tolerance ends.</summary>
    private static readonly double[] PauseSeconds = [1, 2];

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        int n = args.Nodes ?? 128;
        TimeSpan interval = args.Interval ?? TimeSpan.FromMilliseconds(200);
        int crashes = args.Crashes ?? CrashSeries.DefaultCrashes;
        var lossRows = new List<LossRow>();
        var verdicts = new List<GoalVerdict>();
        output.WriteLine($"command: {args.CommandLine}");
        output.WriteLine($"crash detection: n={n}, interval {interval.TotalMilliseconds} ms, in memory; {Math.Min(crashes, CrashSeries.MaxCrashes(n))} crashes one at a time per loss rate (crashed nodes stay down); false positives over {QuietRounds} quiet rounds + the crash phase");
        output.WriteLine($"{"loss",5} {"first p50/p90/max s",20} {"all p50/p90/max s",20} {"all p50/p90/max rounds",23} {"by all",7} {"false positives",16} {"declarations",13} {"suspicions",11}");
        double[] losses = args.Loss > 0 ? [args.Loss] : [0, 0.1, 0.2, 0.3];
        foreach (double loss in losses)
        {
            progress.Phase($"loss {loss:P0}");
            LossRow row = RunLoss(n, interval, loss, crashes, args, progress);
            lossRows.Add(row);
            verdicts.AddRange(Verdicts.JudgeDetection(row.Detection, row.FalsePositives, string.Create(CultureInfo.InvariantCulture, $" at {loss:P0} loss")));
            DetectionDistribution d = row.Detection;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{loss,5:P0} {Seconds(d.FirstP50Ms, d.FirstP90Ms, d.FirstMaxMs),20} {Seconds(d.LastP50Ms, d.LastP90Ms, d.LastMaxMs),20} {$"{d.LastP50Rounds} / {d.LastP90Rounds} / {d.LastMaxRounds}",23} {$"{d.DetectedByAll}/{d.Crashes}",7} {row.FalsePositives,16} {row.FalseDeathDeclarations,13} {row.Suspicions,11}"));
            output.Flush();
        }

        var heals = new List<PartitionHealRow>();
        output.WriteLine();
        output.WriteLine("partition (half / half) healed: rounds after the heal until every node sees every node alive, all member tables agree and both sides' state is everywhere");
        output.WriteLine("(simulation, virtual time; 5 trials each, healing at different phases of the nodes' 25-round reconnect timer)");
        output.WriteLine($"{"nodes",6} {"partition",18} {"split",6} {"heal p50 / max rounds",22} {"max s",7} {"each trial",22} {"wall s",7}");
        int[] sizes = args.Nodes is { } only ? [only] : HealSizes;
        foreach (int size in sizes)
        {
            foreach (int rounds in PartitionRounds)
            {
                progress.Phase($"partition of {rounds} rounds at {size} nodes, then heal");
                PartitionHealRow heal = PartitionHealCase.Run(size, rounds, args.Seed, o => Configure(o, interval, args));
                heals.Add(heal);
                string trials = string.Join(' ', heal.HealRounds.Select(r => double.IsFinite(r) ? r.ToString(CultureInfo.InvariantCulture) : "never"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{heal.Nodes,6} {$"{heal.PartitionRounds} r ({Duration(heal.PartitionSeconds)})",18} {(heal.SidesSplit ? "yes" : "no"),6} {$"{heal.HealP50Rounds} / {heal.HealMaxRounds}",22} {heal.HealMaxSeconds,7:F1} {trials,22} {heal.WallSeconds,7:F1}"));
                output.Flush();
            }
        }

        output.WriteLine();
        output.WriteLine($"pauses (stop-the-world, frames held in the receive buffer): {PauseCase.Pauses} nodes paused one after another, then one real crash (simulation)");
        output.WriteLine($"{"nodes",6} {"pause s",8} {"false deaths",13} {"suspicions",11} {"crash after, detected by all in",32}");
        var pauses = new List<PauseRow>();
        foreach (double seconds in PauseSeconds)
        {
            progress.Phase($"pauses of {seconds} s");
            int pauseRounds = Math.Max(1, (int)Math.Round(seconds / interval.TotalSeconds));
            PauseRow pause = PauseCase.Run(n, pauseRounds, args.Seed, o => Configure(o, interval, args));
            pauses.Add(pause);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pause.Nodes,6} {pause.PauseSeconds,8:F1} {pause.DeathDeclarations,13} {pause.Suspicions,11} {$"{pause.CrashDetectedRounds} rounds ({pause.CrashDetectedRounds * interval.TotalSeconds:F1} s)",32}"));
            if (seconds <= 1)
            {
                verdicts.Add(new GoalVerdict($"false deaths over {PauseCase.Pauses} pauses of {seconds:0.#} s", "0 (goal)", pause.DeathDeclarations, pause.DeathDeclarations == 0, Fatal: false));
            }
        }

        output.WriteLine();
        output.WriteLine("broadcasts sent during each fault (10 each): delivered to every member live at the end, time from origination to the last delivery (simulation)");
        output.WriteLine($"{"fault",34} {"nodes",6} {"to all",7} {"full delivery p50/p90/p100 rounds",34} {"p100 s",7} {"twice",6} {"gaps",5} {"recovered",10}");
        var deliveries = new List<BroadcastDeliveryRow>();
        foreach (BroadcastDeliveryRow delivery in RunBroadcastDeliveries(n, interval, losses, args, progress))
        {
            deliveries.Add(delivery);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{delivery.Fault,34} {delivery.Nodes,6} {$"{delivery.DeliveredToAll}/{delivery.Broadcasts}",7} {$"{delivery.FullDeliveryP50Rounds} / {delivery.FullDeliveryP90Rounds} / {delivery.FullDeliveryP100Rounds}",34} {delivery.FullDeliveryP100Ms / 1_000,7:F1} {delivery.DuplicateDeliveries,6} {delivery.Gaps,5} {delivery.Recovered,10}"));
            output.Flush();
            verdicts.Add(new GoalVerdict($"broadcasts delivered to every live member, {delivery.Fault}", "1 (goal)", delivery.DeliveredFraction, delivery.DeliveredFraction >= 1 && delivery.DuplicateDeliveries == 0, Fatal: false));
        }

        progress.Phase("churn");
        (int restarts, int missing, int reconvergeRounds) = RunChurn(n, interval, args);
        output.WriteLine();
        output.WriteLine($"churn: {restarts} crash/restart cycles; re-converged in {reconvergeRounds} rounds; application state entries lost: {missing}");

        output.WriteLine();
        output.WriteLine("verdict (goals of issue 10, reported, not fatal):");
        foreach (GoalVerdict v in verdicts)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {v.Figure,-60} {v.Measured,10:G4}  {v.Target,-22} {(v.Met ? "pass" : "missed")}"));
        }

        if (args.ChartsDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            var chart = new SvgChart($"Crash detection time against packet loss ({Math.Min(crashes, CrashSeries.MaxCrashes(n))} crashes per loss rate)", "loss rate", "seconds after the crash");
            chart.Add("first node, p50", lossRows.ConvertAll(r => (r.Loss, r.Detection.FirstP50Ms / 1_000)));
            chart.Add("every node, p50", lossRows.ConvertAll(r => (r.Loss, r.Detection.LastP50Ms / 1_000)));
            chart.Add("every node, p90", lossRows.ConvertAll(r => (r.Loss, r.Detection.LastP90Ms / 1_000)));
            chart.Save(Path.Combine(dir, "faults-detection-vs-loss.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(
                new FaultsReport
                {
                    CommandLine = args.CommandLine,
                    Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Nodes = n,
                    IntervalMs = interval.TotalMilliseconds,
                    Loss = lossRows,
                    PartitionHeals = heals,
                    Pauses = pauses,
                    BroadcastDeliveries = deliveries,
                    ChurnRestarts = restarts,
                    ChurnReconvergeRounds = reconvergeRounds,
                    StateEntriesLost = missing,
                    Verdicts = verdicts,
                },
                json);
        }

        return missing == 0 ? 0 : 1;
    }

    private static void Configure(GossipOptions o, TimeSpan interval, LoadGenArguments args)
    {
        o.GossipInterval = interval;
        o.Fanout = args.Fanout;
        o.Mode = args.Mode;
    }

    private static SimulatedCluster NewCluster(int n, TimeSpan interval, double loss, LoadGenArguments args) => new(new SimulatedClusterOptions
    {
        Nodes = n,
        Seed = args.Seed,
        Configure = o =>
        {
            o.EventCapacity = 0;
            Configure(o, interval, args);
        },
        Network = new SimulatedNetworkOptions { LossRate = loss },
    });

    private static LossRow RunLoss(int n, TimeSpan interval, double loss, int crashes, LoadGenArguments args, Progress progress)
    {
        using var cluster = new MemoryClusterUnderTest(n, args.Seed, loss, o => Configure(o, interval, args), fullMembership: true);
        TimeProvider time = cluster.Time;
        long start = time.GetTimestamp();

        // One poll per round: every phase boundary and every detection check falls on a round, as in targets in memory.
        var runner = new PhaseRunner(cluster, progress, interval);
        runner.RunFor("quiet stretch (false positives)", interval * QuietRounds);
        long suspicions = cluster.Suspicions();

        var series = new CrashSeries(cluster, runner);
        series.Run(crashes, new SeededRandom(args.Seed), interval * DetectionTimeoutRounds, RoundsBetweenCrashes);
        (int falsePositives, int declarations) = cluster.Log.FalsePositives(series.CrashedAt, start);
        return new LossRow
        {
            Loss = loss,
            Detection = DetectionDistribution.Of(series.Detections),
            FalsePositives = falsePositives,
            FalseDeathDeclarations = declarations,
            FalsePositiveWindowRounds = Timestamps.Rounds(time.GetElapsedTime(start), interval),
            Suspicions = suspicions,
        };
    }

    /// <summary>Broadcasts during loss (kept on while they are measured), half/half partitions of 12 s and 1 min, and a 2 s pause.</summary>
    private static IEnumerable<BroadcastDeliveryRow> RunBroadcastDeliveries(int n, TimeSpan interval, double[] losses, LoadGenArguments args, Progress progress)
    {
        void Options(GossipOptions o) => Configure(o, interval, args);
        foreach (double loss in losses)
        {
            progress.Phase($"broadcasts at {loss:P0} loss");
            yield return BroadcastDeliveryCase.Run(
                string.Create(CultureInfo.InvariantCulture, $"{loss:P0} loss"),
                n,
                50,
                args.Seed,
                Options,
                _ => { },
                _ => { },
                new SimulatedNetworkOptions { LossRate = loss });
        }

        foreach (int rounds in (int[])[60, 300])
        {
            progress.Phase($"broadcasts during a partition of {rounds} rounds");
            yield return BroadcastDeliveryCase.Run(
                $"half/half partition of {rounds} rounds",
                n,
                rounds,
                args.Seed,
                Options,
                c =>
                {
                    for (int i = c.Nodes.Count / 2; i < c.Nodes.Count; i++)
                    {
                        c.Network.SetPartition(c.Nodes[i].Address, 1);
                    }
                },
                c => c.Network.HealPartitions());
        }

        int pauseRounds = Math.Max(1, (int)Math.Round(2 / interval.TotalSeconds));
        progress.Phase("broadcasts during a pause");
        yield return BroadcastDeliveryCase.Run($"pause of {pauseRounds} rounds (one node)", n, pauseRounds, args.Seed, Options, c => c.Pause(1), c => c.Resume(1));
    }

    private static string Seconds(double p50Ms, double p90Ms, double maxMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{p50Ms / 1_000:F1} / {p90Ms / 1_000:F1} / {maxMs / 1_000:F1}");

    private static string Duration(double seconds) =>
        seconds >= 3_600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3_600:0.#} h")
            : seconds >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s");

    private static (int Restarts, int Missing, int Rounds) RunChurn(int n, TimeSpan interval, LoadGenArguments args)
    {
        using SimulatedCluster cluster = NewCluster(n, interval, 0.05, args);
        var random = new Random((int)args.Seed);
        for (int i = 0; i < n; i++)
        {
            cluster.Nodes[i].SetLocal("owner", BitConverter.GetBytes(i));
        }

        cluster.RunRounds(30);
        int restarts = 0;
        for (int cycle = 0; cycle < 10; cycle++)
        {
            int victim = 1 + random.Next(n - 1);
            cluster.Crash(victim);
            cluster.RunRounds(25);
            GossipNode back = cluster.Restart(victim);
            back.SetLocal("owner", BitConverter.GetBytes(victim));
            restarts++;
            cluster.RunRounds(15);
        }

        cluster.Network.Options.LossRate = 0;
        int rounds = cluster.RunUntil(c => AllAgree(c) && AllAlive(c), 3_000);
        int missing = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (!cluster.Nodes[i].TryGetState(cluster.Nodes[j].Id, "owner", out ReadOnlyMemory<byte> value) || BitConverter.ToInt32(value.Span) != j)
                {
                    missing++;
                }
            }
        }

        return (restarts, missing, rounds);
    }

    private static bool AllAgree(SimulatedCluster cluster)
    {
        ulong hash = cluster.Nodes[0].TableHash;
        foreach (GossipNode node in cluster.Nodes)
        {
            if (node.TableHash != hash)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllAlive(SimulatedCluster cluster)
    {
        foreach (GossipNode node in cluster.Nodes)
        {
            if (node.LiveMemberCount != cluster.Nodes.Count)
            {
                return false;
            }
        }

        return true;
    }
}
