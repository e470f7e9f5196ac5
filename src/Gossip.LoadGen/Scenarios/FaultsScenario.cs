using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>faults</c>, in the deterministic in-memory network: detection of a crash and false positives at 0-30 % loss,
/// a partition that heals (rounds to re-converge), and churn (nodes crashing and restarting with new generations)
/// followed by a check that every live node holds every live node's application state: nothing lost.
/// </summary>
internal static class FaultsScenario
{
    private const int FalsePositiveWindowRounds = 2_000;

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        int n = args.Nodes ?? 128;
        TimeSpan interval = args.Interval ?? TimeSpan.FromMilliseconds(200);
        var lossRows = new List<LossRow>();
        output.WriteLine($"command: {args.CommandLine}");
        output.WriteLine($"{"loss",5} {"detect first s",15} {"detect last s",14} {"rounds",7} {"detected by",12} {"false positives",16} {"declarations",13} {"suspicions",11}  (n={n}, interval {interval.TotalMilliseconds} ms, in memory; false positives over {FalsePositiveWindowRounds} rounds + detection)");
        double[] losses = args.Loss > 0 ? [args.Loss] : [0, 0.1, 0.2, 0.3];
        foreach (double loss in losses)
        {
            progress.Phase($"loss {loss:P0}");
            LossRow row = RunLoss(n, interval, loss, args);
            lossRows.Add(row);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loss,5:P0} {row.DetectFirstSeconds,15:F1} {row.DetectLastSeconds,14:F1} {row.DetectLastRounds,7} {row.DetectedBy,5}/{row.DetectionExpected,-6} {row.FalsePositives,16} {row.FalseDeathDeclarations,13} {row.Suspicions,11}"));
            output.Flush();
        }

        progress.Phase("partition and heal");
        int healRounds = RunPartition(n, interval, args);
        output.WriteLine($"partition (half / half, 60 rounds) healed: views and state agree again after {healRounds} rounds ({healRounds * interval.TotalSeconds:F1} s)");

        progress.Phase("churn");
        (int restarts, int missing, int reconvergeRounds) = RunChurn(n, interval, args);
        output.WriteLine($"churn: {restarts} crash/restart cycles; re-converged in {reconvergeRounds} rounds; application state entries lost: {missing}");

        if (args.ChartsDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            var chart = new SvgChart("Crash detection time against packet loss", "loss rate", "seconds after the crash");
            chart.Add("first node", lossRows.ConvertAll(r => (r.Loss, r.DetectFirstSeconds)));
            chart.Add("every node", lossRows.ConvertAll(r => (r.Loss, r.DetectLastSeconds)));
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
                    PartitionHealRounds = healRounds,
                    ChurnRestarts = restarts,
                    ChurnReconvergeRounds = reconvergeRounds,
                    StateEntriesLost = missing,
                },
                json);
        }

        return missing == 0 ? 0 : 1;
    }

    private static SimulatedCluster NewCluster(int n, TimeSpan interval, double loss, LoadGenArguments args, bool events = false) => new(new SimulatedClusterOptions
    {
        Nodes = n,
        Seed = args.Seed,
        Configure = o =>
        {
            o.EventCapacity = events ? 4_096 : 0;
            o.GossipInterval = interval;
            o.Fanout = args.Fanout;
            o.Mode = args.Mode;
        },
        Network = new SimulatedNetworkOptions { LossRate = loss },
    });

    private static LossRow RunLoss(int n, TimeSpan interval, double loss, LoadGenArguments args)
    {
        using SimulatedCluster cluster = NewCluster(n, interval, loss, args, events: true);
        var log = new EventLog();
        TimeProvider time = cluster.Network.Clock;
        long start = time.GetTimestamp();
        for (int done = 0; done < FalsePositiveWindowRounds; done += 50)
        {
            cluster.RunRounds(Math.Min(50, FalsePositiveWindowRounds - done));
            Drain(cluster, log);
        }

        long suspicions = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            suspicions += node.Counters.Suspicions;
        }

        const int Victim = 1;
        NodeId victim = cluster.Nodes[Victim].Id;
        var observers = new HashSet<NodeId>();
        for (int i = 0; i < n; i++)
        {
            if (i != Victim)
            {
                observers.Add(cluster.Nodes[i].Id);
            }
        }

        long crashedAt = time.GetTimestamp();
        cluster.Crash(Victim);
        cluster.RunUntil(
            c =>
            {
                Drain(c, log);
                return log.DeathsOf(victim, observers, crashedAt).Count >= observers.Count;
            },
            1_000);
        (int detectedBy, long first, long last) = log.DeathsOf(victim, observers, crashedAt);
        (int falsePositives, int declarations) = log.FalsePositives(new HashSet<NodeId> { victim }, start);
        long frequency = time.TimestampFrequency;
        TimeSpan lastElapsed = Timestamps.Between(crashedAt, last, frequency);
        bool all = detectedBy >= observers.Count;
        return new LossRow
        {
            Loss = loss,
            DetectFirstSeconds = detectedBy > 0 ? Timestamps.Between(crashedAt, first, frequency).TotalSeconds : double.PositiveInfinity,
            DetectLastSeconds = all ? lastElapsed.TotalSeconds : double.PositiveInfinity,
            DetectLastRounds = all ? Timestamps.Rounds(lastElapsed, interval) : double.PositiveInfinity,
            DetectedBy = detectedBy,
            DetectionExpected = observers.Count,
            FalsePositives = falsePositives,
            FalseDeathDeclarations = declarations,
            FalsePositiveWindowRounds = FalsePositiveWindowRounds,
            Suspicions = suspicions,
        };
    }

    private static void Drain(SimulatedCluster cluster, EventLog log)
    {
        foreach (GossipNode node in cluster.Nodes)
        {
            while (node.Events.TryRead(out GossipEvent e))
            {
                log.Record(node.Id, e);
            }
        }
    }

    private static int RunPartition(int n, TimeSpan interval, LoadGenArguments args)
    {
        using SimulatedCluster cluster = NewCluster(n, interval, 0, args);
        cluster.RunRounds(20);
        for (int i = 0; i < n / 2; i++)
        {
            cluster.Network.SetPartition(cluster.Nodes[i].Address, 1);
        }

        cluster.Nodes[0].SetLocal("side", "a"u8);
        cluster.Nodes[n - 1].SetLocal("side", "b"u8);
        cluster.RunRounds(60);
        cluster.Network.HealPartitions();
        return cluster.RunUntil(c => AllAgree(c) && AllAlive(c), 2_000);
    }

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
