using Gossip.Engine;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>targets</c>: 128 nodes in this process on UDP loopback (or in memory with <c>--transport memory</c>), 200 ms, fanout 3,
/// failure detection on; the phases of <see cref="TargetsRun"/> (20 crashes one after another unless <c>--crashes</c>);
/// a verdict against the seed targets and our goals.
/// </summary>
internal static class TargetsScenario
{
    /// <summary>Builds the cluster the arguments ask for and runs every phase on it.</summary>
    public static TargetsReport Run(LoadGenArguments args, Progress progress, int defaultNodes, TimeSpan defaultInterval, TimeSpan defaultWindow, string command, int defaultCrashes = CrashSeries.DefaultCrashes)
    {
        int n = args.Nodes ?? defaultNodes;
        TimeSpan interval = args.Interval ?? defaultInterval;
        if (args.Transport == "udp" && args.Loss > 0)
        {
            Console.Error.WriteLine("note: --loss applies to the memory transport only; UDP loopback loses nothing on purpose.");
        }

        using IClusterUnderTest cluster = ClusterFactory.Create(args, n, interval);
        var settings = new TargetsSettings
        {
            Command = command,
            CommandLine = args.CommandLine,
            Fanout = args.Fanout,
            Mode = args.Mode.ToString(),
            Security = ClusterFactory.SecurityOf(args),
            Loss = args.Transport == "memory" ? args.Loss : 0,
            Seed = args.Seed,
            Window = args.Duration ?? defaultWindow,
            Crashes = args.Crashes ?? defaultCrashes,

            // Joining is one exchange per node through one seed: allow more time as the cluster grows, but not forever.
            WarmupTimeout = TimeSpan.FromSeconds(Math.Clamp(n / 16.0, 60, 180)),

            // Encrypted, the last pairs meet when a probe rotation first reaches them: up to one probe period per member.
            FirstContactTimeout = Clamp(interval * new GossipOptions().ProbeEveryRounds * n * 1.5, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(240)),

            // Spread and detection are counted in rounds, so at the longer intervals of large clusters wait in rounds:
            // a rumor 30 rounds, a crash 150 (an unconfirmed suspicion alone lasts 4 * log10(n) probe intervals).
            RumorTimeout = Max(TimeSpan.FromSeconds(10), interval * 30),
            DetectionTimeout = Max(TimeSpan.FromSeconds(60), interval * 150),

            // In simulation a poll of one round makes every phase boundary exact; on UDP a quarter second is plenty.
            Poll = cluster.VirtualTime ? interval : TimeSpan.FromMilliseconds(250),
        };
        return TargetsRun.Execute(cluster, ProcessMeter.Instance, progress, settings);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
