using System.Diagnostics;
using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>converge</c>: rounds (and wall time) for one rumor to reach every node, in the deterministic in-memory
/// network, against the synchronous model computed here. Nodes exchange every round (the model's assumption)
/// and eager push is off, so rounds compare like with like. Large clusters start from random partial views.
/// </summary>
internal static class ConvergeScenario
{
    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        int[] sizes = args.Nodes is { } n ? [n] : [128, 1_000, 10_000, 26_000];
        var rows = new List<ConvergeRow>();
        var chart = new SvgChart("Infected fraction per round (fanout 3, push-pull)", "round", "fraction of nodes informed");
        output.WriteLine($"{"n",8} {"mode",9} {"fanout",6} {"rounds",7} {"ideal",6} {"virtual s",10} {"wall s",8}  (wall: compute time of the spread in simulation)");
        foreach (int size in sizes)
        {
            foreach (DisseminationMode mode in Modes(args, size))
            {
                foreach (int fanout in Fanouts(args, size))
                {
                    progress.Phase($"n={size} {mode} fanout {fanout}");
                    TimeSpan interval = args.Interval ?? (size == 26_000 ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromMilliseconds(200));
                    var informed = new List<int>();
                    int rounds = MeasureRounds(size, fanout, mode, interval, args.Seed, informed, out double wallSeconds);
                    int ideal = SynchronousSpreadModel.MedianRounds(size, fanout, mode, size >= 26_000 ? 3 : 5);
                    var row = new ConvergeRow(size, mode.ToString(), fanout, rounds, ideal, rounds < 0 ? double.NaN : rounds * interval.TotalSeconds, wallSeconds, interval.TotalMilliseconds);
                    rows.Add(row);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size,8} {mode,9} {fanout,6} {rounds,7} {ideal,6} {row.VirtualSeconds,10:F2} {wallSeconds,8:F1}"));
                    if (fanout == 3 && mode == DisseminationMode.PushPull)
                    {
                        var points = new List<(double, double)> { (0, 1.0 / size) };
                        for (int r = 0; r < informed.Count; r++)
                        {
                            points.Add((r + 1, informed[r] / (double)size));
                        }

                        chart.Add($"n = {size}", points);
                    }
                }
            }
        }

        if (args.ChartsDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            chart.Save(Path.Combine(dir, "converge-infected-per-round.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(rows, json);
        }

        return 0;
    }

    /// <summary>Rounds until every node has the rumor (-1 if it never did); <paramref name="informed"/> gets the count after each round.</summary>
    /// <remarks><paramref name="wallSeconds"/> is the compute time of the spread alone (building the cluster excluded).</remarks>
    public static int MeasureRounds(int n, int fanout, DisseminationMode mode, TimeSpan interval, ulong seed, List<int> informed, out double wallSeconds)
    {
        bool large = n > 2_000;
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = n,
            Seed = seed,
            Bootstrap = large ? ClusterBootstrap.RandomViews : ClusterBootstrap.FullMembership,
            ViewSize = 64,
            Configure = o =>
            {
                o.GossipInterval = interval;
                o.Fanout = fanout;
                o.Mode = mode;
                o.EagerPush = false;
                o.ExchangeWhenIdle = true;
                o.MaxRumors = 4;
                o.ProbeEveryRounds = 10_000;
                o.MaxMembers = large ? 65 : o.MaxMembers;
            },
        });
        RumorId id = cluster.Nodes[0].Broadcast([1]);
        var wall = Stopwatch.StartNew();
        int rounds = cluster.RunUntil(
            c =>
            {
                int count = c.CountHaving(id);
                if (c.Round > 0)
                {
                    informed.Add(count);
                }

                return count == n;
            },
            200);
        wallSeconds = wall.Elapsed.TotalSeconds;
        return rounds;
    }

    private static DisseminationMode[] Modes(LoadGenArguments args, int n) =>
        n > 10_000 ? [DisseminationMode.PushPull] : [DisseminationMode.Push, DisseminationMode.Pull, DisseminationMode.PushPull];

    private static int[] Fanouts(LoadGenArguments args, int n) => n > 10_000 ? [args.Fanout] : [1, 3];

    private sealed record ConvergeRow(int Nodes, string Mode, int Fanout, int Rounds, int IdealRounds, double VirtualSeconds, double WallSeconds, double IntervalMs);
}
