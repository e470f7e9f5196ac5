using System.Net;
using System.Security.Cryptography;
using Gossip.Engine;

namespace Gossip.LoadGen.Cli;

/// <summary>The parsed command line (see <see cref="LoadGenCommandLine"/>): one command and the options every scenario takes.</summary>
internal sealed class LoadGenArguments
{
    public string Command { get; init; } = "help";

    public int? Nodes { get; init; }

    public TimeSpan? Interval { get; init; }

    public int Fanout { get; init; } = 3;

    public DisseminationMode Mode { get; init; } = DisseminationMode.PushPull;

    public string Transport { get; init; } = "udp";

    public TimeSpan? Duration { get; init; }

    public double Loss { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Nodes crashed one after another by <c>targets</c>, <c>scale</c> and <c>faults</c> (null: the command's default).</summary>
    public int? Crashes { get; init; }

    public IReadOnlyList<IPEndPoint> Seeds { get; init; } = [];

    public string? JsonPath { get; init; }

    public string? ChartsDirectory { get; init; }

    public string? Bind { get; init; }

    public string? Advertise { get; init; }

    public string? KeyFile { get; init; }

    public bool Quiet { get; init; }

    /// <summary><c>--plaintext</c>: plain frames. Without it real-socket runs are encrypted with <see cref="ClusterKey"/>.</summary>
    public bool Plaintext { get; init; }

    /// <summary>The <c>hostile</c> command's fuzzed datagrams (null: its default).</summary>
    public long? Fuzz { get; init; }

    /// <summary>The <c>hostile</c> command's hostile TCP connections (null: its default).</summary>
    public int? Streams { get; init; }

    /// <summary>The run's cluster key: 32 random bytes drawn once per command line, never written anywhere.</summary>
    public byte[] ClusterKey { get; init; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>The command line as typed (after the program name), printed beside every figure.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>The <c>node</c> command's fixed id (hex), so a restarted process supersedes its old self.</summary>
    public ulong? NodeId { get; init; }

    /// <summary>The <c>embedded</c> command's node executable (<c>--node-exe</c>); null runs this LoadGen under dotnet.</summary>
    public string? NodeExecutable { get; init; }

    /// <summary>The <c>embedded</c> command starts its node processes one at a time (<c>--stagger</c>).</summary>
    public bool Stagger { get; init; }

    /// <summary>The <c>hostile</c> command keeps the thread pool busy during the attacks (<c>--hold-pool</c>).</summary>
    public bool HoldThreadPool { get; init; }

    /// <summary>The <c>chaos</c> command's number of seeds to run (from <see cref="Seed"/> on).</summary>
    public int ChaosSeeds { get; init; } = 200;

    /// <summary>The <c>chaos</c> command's single seed to replay with a readable event log.</summary>
    public ulong? Replay { get; init; }

    /// <summary>The <c>chaos</c> command's schedule file (JSON, as written by a shrink) to replay.</summary>
    public string? ScheduleFile { get; init; }

    /// <summary>The <c>chaos</c> command shrinks the first failing schedule.</summary>
    public bool Shrink { get; init; }

    /// <summary>Where the <c>chaos</c> replay writes its event log; null writes it to the output.</summary>
    public string? LogPath { get; init; }

    /// <summary>The <c>chaos</c> command's safety rule to switch off (proof that the runner can fail).</summary>
    public string? Mutation { get; init; }

    /// <summary>The <c>part</c> command's part of the run, from 0.</summary>
    public int Part { get; init; }

    /// <summary>The <c>part</c> command's number of processes in the run.</summary>
    public int Parts { get; init; } = 1;

    /// <summary>The <c>part</c> command's run name, the same in every process of the run.</summary>
    public string RunId { get; init; } = "run";

    /// <summary>Rumors originated by <c>part</c> (null: its default).</summary>
    public int? Rumors { get; init; }

    /// <summary>Time between the crashes of <c>part</c> (null: its default).</summary>
    public TimeSpan? CrashSpacing { get; init; }

    /// <summary>The <c>merge</c> command's part reports.</summary>
    public IReadOnlyList<string> Reports { get; init; } = [];

    /// <summary>A copy with another node count and interval (the scale scenario's sizes).</summary>
    public LoadGenArguments With(int nodes, TimeSpan interval) => new()
    {
        Command = Command, Nodes = nodes, Interval = interval, Fanout = Fanout, Mode = Mode, Transport = Transport, Duration = Duration,
        Loss = Loss, Seed = Seed, Crashes = Crashes, Seeds = Seeds, JsonPath = null, ChartsDirectory = null, Bind = Bind, Advertise = Advertise, KeyFile = KeyFile, Quiet = Quiet, NodeId = NodeId,
        Plaintext = Plaintext, ClusterKey = ClusterKey,
        CommandLine = CommandLine,
    };
}
