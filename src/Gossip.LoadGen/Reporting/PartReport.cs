using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Reporting;

/// <summary>
/// What one process of a multi-process run (<c>part</c>) measured over the shared steady window and the planned rumors
/// and crashes, with docs/measurement.md's definitions applied to its own nodes; the per-node, per-rumor and per-crash
/// rows carry what <c>merge</c> needs to compute the figures of the whole cluster. Times are Unix ms, so reports from
/// several hosts line up.
/// </summary>
internal sealed record PartReport
{
    /// <summary>The report's shape, checked by <c>merge</c>.</summary>
    public const int CurrentFormat = 1;

    /// <summary>"part".</summary>
    public string Kind { get; init; } = "part";

    /// <summary>Shape version (<see cref="CurrentFormat"/>).</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The exact command line of this process.</summary>
    public required string CommandLine { get; init; }

    /// <summary>The run's name (the same in every process of the run).</summary>
    public required string RunId { get; init; }

    /// <summary>This process's part, from 0.</summary>
    public required int Part { get; init; }

    /// <summary>Processes in the run.</summary>
    public required int Parts { get; init; }

    /// <summary>Nodes in each process.</summary>
    public required int NodesPerPart { get; init; }

    /// <summary>Nodes in the whole cluster.</summary>
    public required int ClusterNodes { get; init; }

    /// <summary>Gossip interval in ms.</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Fanout.</summary>
    public required int Fanout { get; init; }

    /// <summary>Push, Pull or PushPull.</summary>
    public required string Mode { get; init; }

    /// <summary>Whether frames were encrypted (a key file was given).</summary>
    public required bool Encrypted { get; init; }

    /// <summary>Seed of the plan.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Host name.</summary>
    public required string Host { get; init; }

    /// <summary>Process id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>Processor count of the machine.</summary>
    public required int MachineCores { get; init; }

    /// <summary>/proc/loadavg (1, 5, 15 minutes) when the window started; empty where there is none.</summary>
    public required string LoadAverageAtWindowStart { get; init; }

    /// <summary>/proc/loadavg when the run ended.</summary>
    public required string LoadAverageAtEnd { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Whether every node here saw the whole cluster before the shared start.</summary>
    public required bool Converged { get; init; }

    /// <summary>Time from this process's start until every node here saw the whole cluster (or until the start, when they never did).</summary>
    public required double WarmupSeconds { get; init; }

    /// <summary>Nodes here that saw the whole cluster when the window started.</summary>
    public required int ConvergedAtWindowStart { get; init; }

    /// <summary>The shared start (the window's planned start), Unix ms.</summary>
    public required double StartUnixMs { get; init; }

    /// <summary>The window's measured start, Unix ms (late by the scheduling of this process).</summary>
    public required double WindowStartUnixMs { get; init; }

    /// <summary>Measured steady window length.</summary>
    public required double WindowSeconds { get; init; }

    /// <summary>Process user + system CPU seconds in the window.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>CPU seconds / window / nodes here, % of one core.</summary>
    public required double CpuPercentPerNode { get; init; }

    /// <summary>CPU seconds / window, % of one core.</summary>
    public required double CpuPercentProcess { get; init; }

    /// <summary>Wire bytes sent + received by the nodes here in the window.</summary>
    public required long WireBytes { get; init; }

    /// <summary>Wire bytes / nodes here / window, KB/s.</summary>
    public required double BandwidthKBpsPerNode { get; init; }

    /// <summary>The busiest node here, KB/s.</summary>
    public required double BandwidthKBpsBusiestNode { get; init; }

    /// <summary>Datagrams sent in the window by the nodes here.</summary>
    public required long DatagramsSent { get; init; }

    /// <summary>Datagrams sent per node here per second.</summary>
    public required double DatagramsPerNodePerSecond { get; init; }

    /// <summary>Bytes allocated by the process in the window.</summary>
    public required long AllocatedBytes { get; init; }

    /// <summary>Node-rounds run here in the window.</summary>
    public required long NodeRounds { get; init; }

    /// <summary><see cref="AllocatedBytes"/> / <see cref="NodeRounds"/>.</summary>
    public required double AllocatedBytesPerNodeRound { get; init; }

    /// <summary>Generation 0 / 1 / 2 collections in the window.</summary>
    public required int[] Collections { get; init; }

    /// <summary>Rumor spread to this process's nodes, from origination to the last of them, p50 ms.</summary>
    public required double RumorP50Ms { get; init; }

    /// <summary>Same, p90 ms.</summary>
    public required double RumorP90Ms { get; init; }

    /// <summary>Same, p100 ms.</summary>
    public required double RumorP100Ms { get; init; }

    /// <summary>Notifications of a rumor a node here had already reported (the delivery guarantee is 0).</summary>
    public required int RumorDuplicateDeliveries { get; init; }

    /// <summary>Detection by this process's nodes of crashes anywhere in the cluster.</summary>
    public required DetectionDistribution Detection { get; init; }

    /// <summary>Live nodes (anywhere) that nodes here declared dead during the run, by id.</summary>
    public required IReadOnlyList<string> FalsePositiveSubjects { get; init; }

    /// <summary>Those declarations, counted one per observer and declaration.</summary>
    public required int FalseDeathDeclarations { get; init; }

    /// <summary>The window false positives were counted over: this process's whole run, seconds.</summary>
    public required double FalsePositiveWindowSeconds { get; init; }

    /// <summary>Every node here.</summary>
    public required IReadOnlyList<PartNodeRow> Nodes { get; init; }

    /// <summary>Every planned rumor, as seen here.</summary>
    public required IReadOnlyList<PartRumorRow> Rumors { get; init; }

    /// <summary>Every planned crash, as seen here.</summary>
    public required IReadOnlyList<PartCrashRow> Crashes { get; init; }

    /// <summary>The phases as they ran here.</summary>
    public required IReadOnlyList<PhaseRecord> Phases { get; init; }
}
