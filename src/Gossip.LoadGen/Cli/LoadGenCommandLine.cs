using System.CommandLine;
using System.Globalization;
using System.Net;
using Gossip.Engine;

namespace Gossip.LoadGen.Cli;

/// <summary>
/// The LoadGen command line on System.CommandLine: one subcommand per scenario, each with its own typed options and
/// <c>--help</c>, response files (<c>@file</c>) and tab completion (the <c>[suggest]</c> directive). Parsing ends
/// before a command runs, so nothing of it is left to allocate inside a measured window.
/// </summary>
internal sealed class LoadGenCommandLine
{
    /// <summary>The name the .NET tool is installed under.</summary>
    public const string ToolName = "gossip-loadgen";

    private readonly Option<int?> _nodes = Typed("--nodes", "N", "Nodes in the cluster (default: the command's own size)", "a positive integer", TryPositive);
    private readonly Option<TimeSpan?> _interval = Typed("--interval", "MS", "Gossip interval in milliseconds (default: the command's own)", "a positive number of milliseconds", TryMilliseconds);
    private readonly Option<int?> _fanout = Typed("--fanout", "N", "Peers contacted per round, 1 to 64 [default: 3]", "an integer from 1 to 64", static text => TryInt(text, 1, 64));
    private readonly Option<DisseminationMode?> _mode = Typed("--mode", "push|pull|pushpull", "Dissemination mode [default: pushpull]", "push, pull or pushpull", TryMode, "push", "pull", "pushpull");
    private readonly Option<string?> _transport = Typed("--transport", "udp|memory", "UDP loopback or the in-memory network [default: udp]", "udp or memory", static text => text.ToLowerInvariant() is "udp" or "memory" ? text.ToLowerInvariant() : null, "udp", "memory");
    private readonly Option<TimeSpan?> _duration = Typed("--duration", "S", "Steady window in seconds (default: the command's own)", "a positive number of seconds", TrySeconds);
    private readonly Option<double?> _loss = Typed<double?>("--loss", "0..1", "Fraction of datagrams lost [default: 0]", "a number from 0 to 1", static text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is >= 0 and <= 1 ? v : null);
    private readonly Option<ulong?> _seed = Typed("--seed", "N", "Random seed (chaos: the first seed) [default: 1]", "a non-negative integer", TryUInt64);
    private readonly Option<IReadOnlyList<IPEndPoint>?> _seeds = Typed("--seeds", "host:port,...", "Seed nodes to join (comma-separated)", "a comma-separated list of ip:port with a non-zero port", TrySeeds);
    private readonly Option<int?> _crashes = Typed("--crashes", "N", "Nodes crashed one at a time for detection p50/p90 (targets, faults: 20; scale: 1)", "a positive integer", TryPositive);
    private readonly Option<string?> _json = Typed("--json", "PATH", "Also write the report as JSON to PATH", "a path", NonEmpty);
    private readonly Option<string?> _charts = Typed("--charts", "DIR", "Also write SVG charts into DIR", "a directory", NonEmpty);
    private readonly Option<bool> _quiet = new("--quiet") { Description = "No progress output" };
    private readonly Option<bool> _plaintext = new("--plaintext") { Description = "Send plain checksummed frames instead of AES-GCM (default: encrypted; UDP runs draw a fresh cluster key per run, node takes --key-file)" };

    private readonly Option<string?> _bind = Typed("--bind", "ip:port", "Address to bind UDP and TCP to [default: 127.0.0.1:7946]", "ip:port", static text => IPEndPoint.TryParse(text, out _) ? text : null);
    private readonly Option<string?> _advertise = Typed("--advertise", "ip:port", "Address peers should use, when it differs from --bind", "ip:port with a non-zero port", static text => IPEndPoint.TryParse(text, out IPEndPoint? e) && e.Port != 0 ? text : null);
    private readonly Option<string?> _keyFile = Typed("--key-file", "PATH", "AES-GCM cluster key file: one 16, 24 or 32-byte key (raw or hex), or lines of 'ID HEX', primary first; required unless --plaintext", "a path", NonEmpty);
    private readonly Option<string?> _nodeExe = Typed("--node-exe", "PATH", "Run each node process as PATH node ... (a native build of gossip-loadgen, such as a NativeAOT publish; a .dll: another LoadGen build, under dotnet) instead of this LoadGen", "a path", NonEmpty);
    private readonly Option<bool> _holdPool = new("--hold-pool") { Description = "hostile: keep the process's thread pool busy with a parallel loop for the whole attack, as an embedding service under load would, while the nodes' receive loops need it too" };
    private readonly Option<bool> _stagger = new("--stagger") { Description = "Start the node processes one at a time, each once the one before has joined, so start to joined is one process's own and not several starting together on the same cores" };
    private readonly Option<ulong?> _nodeId = Typed<ulong?>("--node-id", "HEX", "Fixed node id (hex, non-zero), so a restarted process supersedes its old self", "a non-zero hexadecimal id", static text => ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong id) && id != 0 ? id : null);

    private readonly Option<int?> _chaosSeeds = Typed("--seeds", "N", "Number of seeds to run, from --seed on [default: 200]", "a positive integer", TryPositive);
    private readonly Option<long?> _fuzz = Typed<long?>("--fuzz", "N", "Fuzzed datagrams sent at one node [default: 1000000]", "a non-negative integer", static text => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null);
    private readonly Option<int?> _streams = Typed("--streams", "N", "Hostile TCP connections (slow drip, giant prefix, full-size garbage) [default: 200]", "a positive integer", TryPositive);
    private readonly Option<ulong?> _replay = Typed("--replay", "SEED", "Replay one seed with its readable event log", "a non-negative integer", TryUInt64);
    private readonly Option<string?> _schedule = Typed("--schedule", "FILE", "Replay a saved (shrunk) schedule (JSON)", "a path", NonEmpty);
    private readonly Option<string?> _log = Typed("--log", "PATH", "Where a replay writes its event log (default: the output)", "a path", NonEmpty);
    private readonly Option<bool> _shrink = new("--shrink") { Description = "Shrink the first failing schedule to its smallest failing form" };
    private readonly Option<string?> _mutation = Typed("--mutation", "RULE", "Switch off a safety rule (proof that the runner can fail): no-refutation or no-reconnection", "no-refutation or no-reconnection", static text => text is "no-refutation" or "no-reconnection" ? text : null, "no-refutation", "no-reconnection");

    private readonly Option<int?> _part = Typed("--part", "I", "This process's part of the run, from 0; part 0 coordinates the start [default: 0]", "a non-negative integer", static text => TryInt(text, 0, 65_535));
    private readonly Option<int?> _parts = Typed("--parts", "P", "Processes in the run [default: 1]", "an integer from 1 to 65536", static text => TryInt(text, 1, 65_536));
    private readonly Option<string?> _runId = Typed("--run-id", "NAME", "Name of the run, the same in every process; node ids derive from it [default: run]", "a name of 1 to 64 characters without line breaks", static text => text.Length is > 0 and <= 64 && !text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal) ? text : null);
    private readonly Option<int?> _rumors = Typed("--rumors", "N", "Rumors originated one after another [default: 10]", "a positive integer", TryPositive);
    private readonly Option<TimeSpan?> _crashSpacing = Typed("--crash-spacing", "S", "Seconds from one crash to the next [default: the larger of 10 s and 30 intervals]", "a positive number of seconds", TrySeconds);
    private readonly Option<string?> _partBind = Typed("--bind", "ip:port", "Address of node 0; node i binds port+i (port 0: any free ports) [default: 127.0.0.1:0]", "ip:port", static text => IPEndPoint.TryParse(text, out _) ? text : null);
    private readonly Option<string?> _partAdvertise = Typed("--advertise", "ip:port", "Address peers should use for node 0 (node i: port+i), when it differs from --bind", "ip:port with a non-zero port", static text => IPEndPoint.TryParse(text, out IPEndPoint? e) && e.Port != 0 ? text : null);
    private readonly Argument<string[]> _reports = new("reports") { Description = "The JSON reports written by every process's part --json", Arity = ArgumentArity.OneOrMore };

    private LoadGenCommandLine()
    {
    }

    /// <summary>
    /// The command tree; each command's action builds a <see cref="LoadGenArguments"/> from its parse result and hands
    /// it to <paramref name="run"/>, whose return value is the exit code.
    /// </summary>
    public static RootCommand Create(Func<LoadGenArguments, int> run)
    {
        var cli = new LoadGenCommandLine();
        var root = new RootCommand("""
            Gossip.LoadGen: in-process gossip clusters, measured.
            Exit codes: 0 ok, 1 a seed target missed or an invariant violated, 2 bad arguments.
            Options can also come from a response file: gossip-loadgen targets @options.rsp
            """)
        {
            HelpName = ToolName,
        };

        Option[] cluster = [cli._nodes, cli._interval, cli._fanout, cli._mode, cli._transport, cli._duration, cli._loss, cli._seed, cli._seeds, cli._crashes, cli._json, cli._charts, cli._quiet, cli._plaintext];
        root.Add(cli.Command("targets", "128 nodes on UDP loopback, 200 ms, fanout 3: CPU, bandwidth, rumor spread, crash detection, verdict against the seed targets (exit 1 when missed) and our goals", cluster, run));
        root.Add(cli.Command("scale", "The same figures as n grows (UDP, and in memory with --transport memory)", cluster, run));
        root.Add(cli.Command("converge", "Rounds to spread a rumor vs the ideal synchronous model (in memory)", cluster, run));
        root.Add(cli.Command("replicate", "The replicated map: in memory, bytes and rounds to reconcile 1,000,000 keys differing in d keys (beside a flat digest), spread of a write, steady cost, a partition with conflicting writes, memory per key; with --transport udp (default) also 128 loopback nodes: steady cost and spread in ms (--nodes N: a quick run)", cluster, run));
        root.Add(cli.Command("faults", "Loss, partition and churn: detection, false positives, re-convergence, no state lost (in memory)", cluster, run));
        root.Add(cli.Command(
            "chaos",
            "Random fault schedules on the deterministic simulation, invariants checked (exit 1 on a violation): --seeds N from --seed S; --replay S [--log PATH] replays one seed; --schedule FILE replays a saved schedule; --shrink shrinks the first failure",
            [cli._chaosSeeds, cli._seed, cli._replay, cli._schedule, cli._log, cli._shrink, cli._mutation, cli._json, cli._quiet],
            run));
        root.Add(cli.Command(
            "embedded",
            "k node processes on loopback (--nodes, default 8), one node each, measured from /proc per process over 60 s windows (--duration, default 300 s): CPU, memory, GC heap, threads, context switches, datagrams, start to joined",
            [cli._nodes, cli._interval, cli._duration, cli._nodeExe, cli._stagger, cli._json, cli._charts, cli._quiet],
            run));
        root.Add(cli.Command(
            "hostile",
            "Attack a live cluster on real sockets from non-member addresses (forged notices, replays, fuzzing, amplification probes per message type, hostile TCP, a removed key): drops by reason, amplification ratios, false deaths (exit 1 on a broken rule); --duration is the TCP attack's length",
            [cli._nodes, cli._interval, cli._duration, cli._fuzz, cli._streams, cli._plaintext, cli._holdPool, cli._json, cli._quiet],
            run));
        root.Add(cli.Command(
            "node",
            "Run one real node (needs --key-file, or --plaintext); stdin: put KEY VALUE | get KEY | del KEY | keys (replicated map) | set KEY VALUE | get NODEID KEY | broadcast TEXT | members | stats | keys list | keys install ID HEX | keys use ID | keys remove ID | leave | quit",
            [cli._bind, cli._advertise, cli._seeds, cli._keyFile, cli._plaintext, cli._nodeId, cli._interval, cli._fanout, cli._mode, cli._quiet],
            run));
        root.Add(cli.Command(
            "part",
            "Run M nodes of a cluster spread over several processes or hosts (--part I --parts P --nodes M, the same --run-id, --seed, --seeds and --key-file everywhere, or --plaintext); writes this process's figures for the shared window, rumors and crashes",
            [cli._part, cli._parts, cli._nodes, cli._runId, cli._partBind, cli._partAdvertise, cli._seeds, cli._keyFile, cli._plaintext, cli._interval, cli._fanout, cli._mode, cli._duration, cli._seed, cli._rumors, cli._crashes, cli._crashSpacing, cli._json, cli._quiet],
            run));
        Command merge = cli.Command("merge", "Merge the part reports of one run into the figures of the whole cluster (exit 1 when they do not cover it)", [cli._json, cli._quiet], run);
        merge.Add(cli._reports);
        root.Add(merge);
        root.Add(cli.Command("version", "Print the version and run the codec self-check", [], run));

        var topic = new Argument<string?>("command") { Description = "The command to describe", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Show the help of the program or of one command") { topic };
        help.SetAction(result => ShowHelp(result, result.GetValue(topic)));
        root.Add(help);
        root.SetAction(result => ShowHelp(result, null));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> into the arguments of the command they name; null with the parser's errors otherwise.</summary>
    public static LoadGenArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        LoadGenArguments? parsed = null;
        ParseResult result = Create(arguments =>
        {
            parsed = arguments;
            return 0;
        }).Parse(args);
        if (result.Errors.Count > 0)
        {
            error = string.Join(Environment.NewLine, result.Errors.Select(static e => e.Message));
            return null;
        }

        error = null;
        _ = result.Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        return parsed;
    }

    private Command Command(string name, string description, Option[] options, Func<LoadGenArguments, int> run)
    {
        var command = new Command(name, description);
        foreach (Option option in options)
        {
            command.Add(option);
        }

        command.SetAction(result => run(Read(result, name)));
        return command;
    }

    private LoadGenArguments Read(ParseResult result, string command) => new()
    {
        Command = command,
        Nodes = result.GetValue(_nodes),
        Interval = result.GetValue(_interval),
        Fanout = result.GetValue(_fanout) ?? 3,
        Mode = result.GetValue(_mode) ?? DisseminationMode.PushPull,
        Transport = result.GetValue(_transport) ?? "udp",
        Duration = result.GetValue(_duration),
        Loss = result.GetValue(_loss) ?? 0,
        Seed = result.GetValue(_seed) ?? 1,
        Crashes = result.GetValue(_crashes),
        Seeds = command == "chaos" ? [] : result.GetValue(_seeds) ?? [],
        JsonPath = result.GetValue(_json),
        ChartsDirectory = result.GetValue(_charts),
        Bind = command == "part" ? result.GetValue(_partBind) : result.GetValue(_bind),
        Advertise = command == "part" ? result.GetValue(_partAdvertise) : result.GetValue(_advertise),
        KeyFile = result.GetValue(_keyFile),
        Quiet = result.GetValue(_quiet),
        Plaintext = result.GetValue(_plaintext),
        Fuzz = result.GetValue(_fuzz),
        Streams = result.GetValue(_streams),
        NodeId = result.GetValue(_nodeId),
        NodeExecutable = result.GetValue(_nodeExe),
        Stagger = result.GetValue(_stagger),
        HoldThreadPool = result.GetValue(_holdPool),
        ChaosSeeds = command == "chaos" ? result.GetValue(_chaosSeeds) ?? 200 : 200,
        Replay = result.GetValue(_replay),
        ScheduleFile = result.GetValue(_schedule),
        Shrink = result.GetValue(_shrink),
        LogPath = result.GetValue(_log),
        Mutation = result.GetValue(_mutation),
        Part = result.GetValue(_part) ?? 0,
        Parts = result.GetValue(_parts) ?? 1,
        RunId = result.GetValue(_runId) ?? "run",
        Rumors = result.GetValue(_rumors),
        CrashSpacing = result.GetValue(_crashSpacing),
        Reports = command == "merge" ? result.GetValue(_reports) ?? [] : [],
        CommandLine = "dotnet run -c Release --project src/Gossip.LoadGen -- " + string.Join(' ', result.Tokens.Select(static t => t.Value)),
    };

    private static int ShowHelp(ParseResult result, string? command)
    {
        string[] args = command is null ? ["--help"] : [command, "--help"];
        return result.RootCommandResult.Command.Parse(args).Invoke(result.InvocationConfiguration);
    }

    /// <summary>An option of one value read by <paramref name="parse"/> (null: invalid), whose error names the option and the value expected.</summary>
    private static Option<T> Typed<T>(string name, string helpName, string description, string expected, Func<string, T> parse, params string[] completions)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                T value = parse(text);
                if (value is null)
                {
                    result.AddError($"Invalid value '{text}' for option '{name}': expected {expected}.");
                }

                return value;
            },
        };
        if (completions.Length > 0)
        {
            option.CompletionSources.Clear();
            option.CompletionSources.Add(completions);
        }

        return option;
    }

    private static int? TryPositive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;

    private static int? TryInt(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max ? v : null;

    private static ulong? TryUInt64(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : null;

    private static TimeSpan? TryMilliseconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms > 0 && double.IsFinite(ms) ? TimeSpan.FromMilliseconds(ms) : null;

    private static TimeSpan? TrySeconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : null;

    private static string? NonEmpty(string text) => text.Length > 0 ? text : null;

    private static DisseminationMode? TryMode(string text) => text.ToLowerInvariant() switch
    {
        "push" => DisseminationMode.Push,
        "pull" => DisseminationMode.Pull,
        "pushpull" or "push-pull" => DisseminationMode.PushPull,
        _ => null,
    };

    private static IReadOnlyList<IPEndPoint>? TrySeeds(string text)
    {
        var seeds = new List<IPEndPoint>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPEndPoint.TryParse(part, out IPEndPoint? endPoint) || endPoint.Port == 0)
            {
                return null;
            }

            seeds.Add(endPoint);
        }

        return seeds.Count > 0 ? seeds : null;
    }
}
