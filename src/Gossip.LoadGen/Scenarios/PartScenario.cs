using System.Net;
using System.Net.Sockets;
using Gossip.Engine;
using Gossip.Hosting;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>part</c>: this process's share of a cluster spread over several processes or hosts (<c>--part I --parts P
/// --nodes M</c>, the same <c>--run-id</c>, <c>--seed</c>, sizes and <c>--seeds</c> everywhere). Runs the timetable of
/// <see cref="PartRun"/> and writes this process's report; <c>merge</c> combines the reports.
/// </summary>
internal static class PartScenario
{
    /// <summary>Nodes per process unless <c>--nodes</c> says otherwise.</summary>
    public const int DefaultNodes = 32;

    /// <summary>Runs the part; 0 when its report was written, 1 when the run could not start, 2 for bad arguments.</summary>
    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        int parts = args.Parts;
        int nodes = args.Nodes ?? DefaultNodes;
        if (args.Part >= parts)
        {
            Console.Error.WriteLine($"error: --part {args.Part} is not below --parts {parts} (parts count from 0).");
            return LoadGenApp.BadArguments;
        }

        if ((long)parts * nodes > UdpClusterUnderTest.FullViewLimit)
        {
            // Above it nodes must start from partial views, introduced before they start; that needs the other processes' addresses.
            Console.Error.WriteLine($"error: --parts x --nodes = {(long)parts * nodes}: a multi-process run holds at most {UdpClusterUnderTest.FullViewLimit} nodes (full views).");
            return LoadGenApp.BadArguments;
        }

        string? keyFile = args.KeyFile;
        if (keyFile is null && !args.Plaintext)
        {
            Console.Error.WriteLine("error: every process of a run needs the same cluster key: --key-file PATH (one key, raw or hex, or lines of 'ID HEX'), or --plaintext on a closed network.");
            return LoadGenApp.BadArguments;
        }

        if (keyFile is not null)
        {
            try
            {
                // Read once here to fail early; each node gets a ring of its own below.
                KeyFile.Load(keyFile).Dispose();
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --key-file: {ex.Message}");
                return LoadGenApp.BadArguments;
            }
        }

        TimeSpan interval = args.Interval ?? TimeSpan.FromMilliseconds(200);
        var plan = new PartPlan
        {
            RunId = args.RunId,
            Parts = parts,
            NodesPerPart = nodes,
            Seed = args.Seed,
            Interval = interval,
            Window = args.Duration ?? TimeSpan.FromSeconds(60),
            Rumors = args.Rumors ?? 10,

            // Fixed spacings replace the one-at-a-time waits of targets: no process knows when another's nodes are done.
            // A rumor reaches 512 nodes within a few rounds; a crash is declared by all within about 15 (docs/performance.md).
            RumorSpacing = Max(TimeSpan.FromSeconds(2), interval * 6),
            Crashes = args.Crashes ?? CrashSeries.DefaultCrashes,
            CrashSpacing = args.CrashSpacing ?? Max(TimeSpan.FromSeconds(10), interval * 30),
        };
        TimeSpan warmup = TimeSpan.FromSeconds(Math.Clamp(plan.ClusterNodes / 16.0, 60, 180));
        var settings = new PartSettings
        {
            CommandLine = args.CommandLine,
            Fanout = args.Fanout,
            Mode = args.Mode.ToString(),
            Encrypted = keyFile is not null,
            WarmupTimeout = warmup,
            StartTimeout = warmup + TimeSpan.FromSeconds(60),
            Settle = Max(TimeSpan.FromSeconds(5), interval * 30),
        };
        IPEndPoint bind = args.Bind is null ? new IPEndPoint(IPAddress.Loopback, 0) : IPEndPoint.Parse(args.Bind);
        IPEndPoint? advertise = args.Advertise is null ? null : IPEndPoint.Parse(args.Advertise);
        var rings = new List<KeyRing>();
        void Configure(GossipOptions o)
        {
            o.Fanout = args.Fanout;
            o.Mode = args.Mode;
            if (keyFile is not null)
            {
                // A ring caches the sealing keys it derives for a few senders only: nodes sharing one would derive anew.
                KeyRing ring = KeyFile.Load(keyFile);
                rings.Add(ring);
                o.Keys = ring;
            }
            else
            {
                o.AllowPlaintext = true;
            }
        }

        PartCluster cluster;
        try
        {
            cluster = new PartCluster(plan, args.Part, bind, advertise, args.Seeds, Configure);
        }
        catch (SocketException ex)
        {
            foreach (KeyRing ring in rings)
            {
                ring.Dispose();
            }

            Console.Error.WriteLine($"error: cannot bind {nodes} nodes from {bind}: {ex.Message}");
            return 1;
        }

        PartReport? report;
        using (cluster)
        {
            output.WriteLine($"part {args.Part}/{parts} of run {plan.RunId}: {nodes} nodes from {cluster.Nodes[0].Address}; coordinator {plan.CoordinatorId}");
            output.Flush();
            report = PartRun.Execute(cluster, ProcessMeter.Instance, progress, settings, new WallClock(TimeProvider.System));
        }

        foreach (KeyRing ring in rings)
        {
            ring.Dispose();
        }

        if (report is null)
        {
            Console.Error.WriteLine($"error: no start announced for run '{plan.RunId}' within {settings.StartTimeout.TotalSeconds:F0} s: is part 0 running with the same --run-id, and are --seeds reachable?");
            return 1;
        }

        ClusterPrinter.Print(report, output);
        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(report, json);
        }

        return 0;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
