using System.Globalization;
using System.Net;
using Gossip.Engine;

namespace Gossip.LoadGen.Cli;

/// <summary>The parsed command line: one command and the options every scenario takes.</summary>
internal sealed class LoadGenArguments
{
    public string Command { get; private init; } = "help";

    public int? Nodes { get; private init; }

    public TimeSpan? Interval { get; private init; }

    public int Fanout { get; private init; } = 3;

    public DisseminationMode Mode { get; private init; } = DisseminationMode.PushPull;

    public string Transport { get; private init; } = "udp";

    public TimeSpan? Duration { get; private init; }

    public double Loss { get; private init; }

    public ulong Seed { get; private init; } = 1;

    /// <summary>Nodes crashed one after another by <c>targets</c>, <c>scale</c> and <c>faults</c> (null: the command's default).</summary>
    public int? Crashes { get; private init; }

    public IReadOnlyList<IPEndPoint> Seeds { get; private init; } = [];

    public string? JsonPath { get; private init; }

    public string? ChartsDirectory { get; private init; }

    public string? Bind { get; private init; }

    public string? Advertise { get; private init; }

    public string? KeyFile { get; private init; }

    public bool Quiet { get; private init; }

    /// <summary>The command line as typed (after the program name), printed beside every figure.</summary>
    public string CommandLine { get; private init; } = "";

    /// <summary>The <c>node</c> command's fixed id (hex), so a restarted process supersedes its old self.</summary>
    public ulong? NodeId { get; private init; }

    /// <summary>The <c>chaos</c> command's number of seeds to run (from <see cref="Seed"/> on).</summary>
    public int ChaosSeeds { get; private init; } = 200;

    /// <summary>The <c>chaos</c> command's single seed to replay with a readable event log.</summary>
    public ulong? Replay { get; private init; }

    /// <summary>The <c>chaos</c> command's schedule file (JSON, as written by a shrink) to replay.</summary>
    public string? ScheduleFile { get; private init; }

    /// <summary>The <c>chaos</c> command shrinks the first failing schedule.</summary>
    public bool Shrink { get; private init; }

    /// <summary>Where the <c>chaos</c> replay writes its event log; null writes it to the output.</summary>
    public string? LogPath { get; private init; }

    /// <summary>The <c>chaos</c> command's safety rule to switch off (proof that the runner can fail).</summary>
    public string? Mutation { get; private init; }

    /// <summary>A copy with another node count and interval (the scale scenario's sizes).</summary>
    public LoadGenArguments With(int nodes, TimeSpan interval) => new()
    {
        Command = Command, Nodes = nodes, Interval = interval, Fanout = Fanout, Mode = Mode, Transport = Transport, Duration = Duration,
        Loss = Loss, Seed = Seed, Crashes = Crashes, Seeds = Seeds, JsonPath = null, ChartsDirectory = null, Bind = Bind, Advertise = Advertise, KeyFile = KeyFile, Quiet = Quiet, NodeId = NodeId,
        CommandLine = CommandLine,
    };

    public static readonly string[] Commands = ["targets", "scale", "converge", "faults", "chaos", "node", "version", "help"];

    /// <summary>Parses <paramref name="args"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static LoadGenArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0)
        {
            return new LoadGenArguments();
        }

        string command = args[0].ToLowerInvariant();
        if (command is "--help" or "-h")
        {
            return new LoadGenArguments();
        }

        if (Array.IndexOf(Commands, command) < 0)
        {
            error = $"unknown command '{args[0]}'";
            return null;
        }

        int? nodes = null;
        int? crashes = null;
        TimeSpan? interval = null;
        TimeSpan? duration = null;
        int fanout = 3;
        DisseminationMode mode = DisseminationMode.PushPull;
        string transport = "udp";
        double loss = 0;
        ulong seed = 1;
        var seeds = new List<IPEndPoint>();
        string? json = null, charts = null, bind = null, advertise = null, keyFile = null;
        bool quiet = false, shrink = false;
        ulong? nodeId = null;
        int? chaosSeeds = null;
        ulong? replay = null;
        string? scheduleFile = null, logPath = null, mutation = null;
        for (int i = 1; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--quiet" or "--shrink")
            {
                quiet |= name == "--quiet";
                shrink |= name == "--shrink";
                continue;
            }

            if (name is "--help" or "-h")
            {
                return new LoadGenArguments();
            }

            if (i + 1 >= args.Count)
            {
                error = $"option '{name}' needs a value";
                return null;
            }

            string value = args[++i];
            bool ok = name switch
            {
                "--nodes" => TryPositive(value, out nodes),
                "--interval" => TryMilliseconds(value, out interval),
                "--fanout" => TryInt(value, 1, 64, out fanout),
                "--mode" => TryMode(value, out mode),
                "--transport" => (transport = value.ToLowerInvariant()) is "udp" or "memory",
                "--duration" => TrySeconds(value, out duration),
                "--loss" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out loss) && loss is >= 0 and <= 1,
                "--crashes" => TryPositive(value, out crashes),
                "--seed" => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seed),
                "--seeds" => command == "chaos" ? TryPositive(value, out chaosSeeds) : TrySeeds(value, seeds),
                "--replay" => TryUInt64(value, out replay),
                "--schedule" => (scheduleFile = value).Length > 0,
                "--log" => (logPath = value).Length > 0,
                "--mutation" => (mutation = value) is "no-refutation" or "no-reconnection",
                "--json" => (json = value).Length > 0,
                "--charts" => (charts = value).Length > 0,
                "--bind" => IPEndPoint.TryParse(value, out _) && (bind = value).Length > 0,
                "--advertise" => IPEndPoint.TryParse(value, out IPEndPoint? advertised) && advertised.Port != 0 && (advertise = value).Length > 0,
                "--key-file" => (keyFile = value).Length > 0,
                "--node-id" => ulong.TryParse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong id) && id != 0 && (nodeId = id) is not null,
                _ => false,
            };
            if (!ok)
            {
                error = $"bad option or value: {name} {value}";
                return null;
            }
        }

        return new LoadGenArguments
        {
            Command = command,
            Nodes = nodes,
            Interval = interval,
            Fanout = fanout,
            Mode = mode,
            Transport = transport,
            Duration = duration,
            Loss = loss,
            Seed = seed,
            Crashes = crashes,
            Seeds = seeds,
            JsonPath = json,
            ChartsDirectory = charts,
            Bind = bind,
            Advertise = advertise,
            KeyFile = keyFile,
            Quiet = quiet,
            NodeId = nodeId,
            ChaosSeeds = chaosSeeds ?? 200,
            Replay = replay,
            ScheduleFile = scheduleFile,
            Shrink = shrink,
            LogPath = logPath,
            Mutation = mutation,
            CommandLine = "dotnet run -c Release --project src/Gossip.LoadGen -- " + string.Join(' ', args),
        };
    }

    public const string Usage = """
        Gossip.LoadGen — in-process gossip clusters, measured.

        usage: Gossip.LoadGen <command> [options]

        commands:
          targets    128 nodes on UDP loopback, 200 ms, fanout 3: CPU, bandwidth, rumor spread, crash detection,
                     verdict against the seed targets (exit 1 when missed) and our goals
          scale      the same figures as n grows (UDP, and in memory with --transport memory)
          converge   rounds to spread a rumor vs the ideal synchronous model (in memory)
          faults     loss, partition and churn: detection, false positives, re-convergence, no state lost (in memory)
          chaos      random fault schedules on the deterministic simulation, invariants checked (exit 1 on a violation):
                     --seeds N (default 200) from --seed S; --replay S [--log PATH] replays one seed with its event log;
                     --schedule FILE replays a saved (shrunk) schedule; --shrink shrinks the first failure
          node       run one real node: --bind, --advertise, --seeds, --key-file, --node-id HEX;
                     stdin: set KEY VALUE | get NODEID KEY | members | leave | quit
          version    print the version and run the codec self-check

        options:
          --nodes N  --interval MS  --fanout N  --mode push|pull|pushpull  --transport udp|memory
          --duration S  --loss 0..1  --seed N  --seeds host:port,...  --json PATH  --charts DIR  --quiet
          --crashes N  nodes crashed one at a time for detection p50/p90 (targets, faults: 20; scale: 1)
        """;

    private static bool TryPositive(string text, out int? value)
    {
        value = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0)
        {
            value = v;
        }

        return value is not null;
    }

    private static bool TryUInt64(string text, out ulong? value)
    {
        value = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : null;
        return value is not null;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryMilliseconds(string text, out TimeSpan? value)
    {
        value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : null;
        return value is not null;
    }

    private static bool TrySeconds(string text, out TimeSpan? value)
    {
        value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? TimeSpan.FromSeconds(s) : null;
        return value is not null;
    }

    private static bool TryMode(string text, out DisseminationMode mode)
    {
        mode = text.ToLowerInvariant() switch
        {
            "push" => DisseminationMode.Push,
            "pull" => DisseminationMode.Pull,
            "pushpull" or "push-pull" => DisseminationMode.PushPull,
            _ => (DisseminationMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    private static bool TrySeeds(string text, List<IPEndPoint> seeds)
    {
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPEndPoint.TryParse(part, out IPEndPoint? endPoint) || endPoint.Port == 0)
            {
                return false;
            }

            seeds.Add(endPoint);
        }

        return seeds.Count > 0;
    }
}
