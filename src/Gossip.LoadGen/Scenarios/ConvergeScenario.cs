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
    /// <summary>Cluster sizes run by default (the seed's case, 26,000 nodes, runs at a 10 ms interval).</summary>
    public static readonly int[] DefaultSizes = [128, 1_000, 10_000, 26_000, 100_000];

    /// <summary>Rounds allowed for one spread.</summary>
    public const int MaxRounds = 200;

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        if (args.Transport != "memory")
        {
            Console.Error.WriteLine("note: converge counts rounds, so it runs in the in-memory network (virtual time) whatever --transport says.");
        }

        int[] sizes = args.Nodes is { } n ? [n] : DefaultSizes;
        var rows = new List<ConvergeRow>();
        var chart = new SvgChart("Infected fraction per round (fanout 3, push-pull)", "round", "fraction of nodes informed");
        output.WriteLine($"command: {args.CommandLine}");
        output.WriteLine($"{"n",8} {"mode",9} {"fanout",6} {"interval",9} {"rounds",7} {"ideal",6} {"time s",8} {"wall s",8}  (time: rounds * interval; wall: compute time of the spread in simulation)");
        foreach (int size in sizes)
        {
            foreach (DisseminationMode mode in Modes(size))
            {
                foreach (int fanout in Fanouts(args, size))
                {
                    progress.Phase($"converge n={size} {mode} fanout {fanout}");
                    TimeSpan interval = args.Interval ?? (size == 26_000 ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromMilliseconds(200));
                    var informed = new List<int>();
                    int rounds = MeasureRounds(size, fanout, mode, interval, args.Seed, informed, out double wallSeconds);
                    int idealRounds = SynchronousSpreadModel.MedianRounds(size, fanout, mode, size >= 26_000 ? 3 : 5);
                    bool reached = rounds >= 0;
                    var row = new ConvergeRow
                    {
                        Nodes = size,
                        Mode = mode.ToString(),
                        Fanout = fanout,
                        IntervalMs = interval.TotalMilliseconds,
                        Reached = reached,
                        Rounds = reached ? rounds : double.NaN,
                        MaxRounds = MaxRounds,
                        InformedAtEnd = informed.Count > 0 ? informed[^1] : 1,
                        IdealRounds = idealRounds,
                        VirtualSeconds = reached ? rounds * interval.TotalSeconds : double.NaN,
                        WallSeconds = wallSeconds,
                        InformedPerRound = informed,
                    };
                    rows.Add(row);
                    string roundsText = reached ? rounds.ToString(CultureInfo.InvariantCulture) : $"never ({row.InformedAtEnd}/{size} after {MaxRounds})";
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size,8} {mode,9} {fanout,6} {interval.TotalMilliseconds,6} ms {roundsText,7} {idealRounds,6} {row.VirtualSeconds,8:F2} {wallSeconds,8:F1}"));
                    output.Flush();
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
            // The model's own curve for the largest n, as the yardstick on the same chart.
            int largest = sizes[^1];
            var model = new List<int>();
            SynchronousSpreadModel.RoundsToSpread(largest, 3, DisseminationMode.PushPull, 1_000, model);
            var modelPoints = new List<(double, double)> { (0, 1.0 / largest) };
            for (int r = 0; r < model.Count; r++)
            {
                modelPoints.Add((r + 1, model[r] / (double)largest));
            }

            chart.Add($"ideal model, n = {largest}", modelPoints);
            Directory.CreateDirectory(dir);
            chart.Save(Path.Combine(dir, "converge-infected-per-round.svg"));
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(
                new ConvergeReport
                {
                    CommandLine = args.CommandLine,
                    Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    MachineCores = Environment.ProcessorCount,
                    Cases = rows,
                },
                json);
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
                o.ApplySynchronousModel();
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
            MaxRounds);
        wallSeconds = wall.Elapsed.TotalSeconds;
        return rounds;
    }

    private static DisseminationMode[] Modes(int n) =>
        n > 10_000 ? [DisseminationMode.PushPull] : [DisseminationMode.Push, DisseminationMode.Pull, DisseminationMode.PushPull];

    private static int[] Fanouts(LoadGenArguments args, int n) => n > 10_000 ? [args.Fanout] : [1, 3];

}
