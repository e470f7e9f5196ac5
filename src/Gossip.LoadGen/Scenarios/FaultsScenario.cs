using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Cli;
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
        output.WriteLine($"{"loss",5} {"detect first s",15} {"detect last s",14} {"false positives",16} {"suspicions",11}  (n={n}, interval {interval.TotalMilliseconds} ms, false positives over {FalsePositiveWindowRounds} rounds)");
        double[] losses = args.Loss > 0 ? [args.Loss] : [0, 0.1, 0.2, 0.3];
        foreach (double loss in losses)
        {
            progress.Phase($"loss {loss:P0}");
            LossRow row = RunLoss(n, interval, loss, args);
            lossRows.Add(row);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loss,5:P0} {row.DetectFirstSeconds,15:F1} {row.DetectLastSeconds,14:F1} {row.FalsePositives,16} {row.Suspicions,11}"));
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
            TargetsPrinter.WriteJson(new { Loss = lossRows, PartitionHealRounds = healRounds, ChurnRestarts = restarts, ChurnReconvergeRounds = reconvergeRounds, StateEntriesLost = missing }, json);
        }

        return missing == 0 ? 0 : 1;
    }

    private static SimulatedCluster NewCluster(int n, TimeSpan interval, double loss, LoadGenArguments args) => new(new SimulatedClusterOptions
    {
        Nodes = n,
        Seed = args.Seed,
        Configure = o =>
        {
            o.GossipInterval = interval;
            o.Fanout = args.Fanout;
            o.Mode = args.Mode;
        },
        Network = new SimulatedNetworkOptions { LossRate = loss },
    });

    private static LossRow RunLoss(int n, TimeSpan interval, double loss, LoadGenArguments args)
    {
        using SimulatedCluster cluster = NewCluster(n, interval, loss, args);
        cluster.RunRounds(FalsePositiveWindowRounds);
        int falsePositives = 0;
        long suspicions = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            falsePositives += (int)node.Counters.DeathsDeclared;
            suspicions += node.Counters.Suspicions;
        }

        const int Victim = 1;
        NodeId victim = cluster.Nodes[Victim].Id;
        cluster.Crash(Victim);
        int start = cluster.Round;
        int first = -1;
        int last = cluster.RunUntil(
            c =>
            {
                int dead = CountDead(c, victim);
                if (dead > 0 && first < 0)
                {
                    first = c.Round - start;
                }

                return dead == c.LiveCount;
            },
            1_000);
        return new LossRow(loss, first * interval.TotalSeconds, last * interval.TotalSeconds, falsePositives, suspicions);
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

    private static int CountDead(SimulatedCluster cluster, NodeId subject)
    {
        int dead = 0;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (!cluster.IsLive(i))
            {
                continue;
            }

            foreach (MemberSnapshot m in cluster.Nodes[i].Members)
            {
                dead += m.Id == subject && m.Status == MemberStatus.Dead ? 1 : 0;
            }
        }

        return dead;
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

    private sealed record LossRow(double Loss, double DetectFirstSeconds, double DetectLastSeconds, int FalsePositives, long Suspicions);
}
