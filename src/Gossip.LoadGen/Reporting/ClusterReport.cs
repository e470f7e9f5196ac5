namespace Gossip.LoadGen.Reporting;

/// <summary>
/// The figures of a whole multi-process run, merged from the processes' <see cref="PartReport"/>s by <c>merge</c>, with
/// docs/measurement.md's definitions over every node: CPU per node is the processes' CPU seconds summed over the nodes
/// of all of them, bandwidth per node the wire bytes of all nodes, rumor spread until the last node of any process had
/// it, detection until the first and the last observer of any process declared the crash.
/// </summary>
internal sealed record ClusterReport
{
    /// <summary>"cluster".</summary>
    public string Kind { get; init; } = "cluster";

    /// <summary>The run's name.</summary>
    public required string RunId { get; init; }

    /// <summary>Processes planned.</summary>
    public required int Parts { get; init; }

    /// <summary>Parts without a report (the merged figures then cover fewer nodes than planned).</summary>
    public required IReadOnlyList<int> PartsMissing { get; init; }

    /// <summary>Nodes planned over all processes.</summary>
    public required int ClusterNodes { get; init; }

    /// <summary>Node rows in the reports.</summary>
    public required int NodesReported { get; init; }

    /// <summary>Distinct node ids among them.</summary>
    public required int DistinctNodeIds { get; init; }

    /// <summary>Nodes that listed every node of the cluster as live when the window started: one cluster, not several.</summary>
    public required int NodesSeeingWholeCluster { get; init; }

    /// <summary>True when every part reported, every node is distinct and every node saw the whole cluster.</summary>
    public required bool Complete { get; init; }

    /// <summary>Distinct hosts.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Gossip interval in ms.</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Fanout.</summary>
    public required int Fanout { get; init; }

    /// <summary>Push, Pull or PushPull.</summary>
    public required string Mode { get; init; }

    /// <summary>Whether frames were encrypted.</summary>
    public required bool Encrypted { get; init; }

    /// <summary>UTC date of the run.</summary>
    public required string Date { get; init; }

    /// <summary>Every process.</summary>
    public required IReadOnlyList<ClusterProcessRow> Processes { get; init; }

    /// <summary>Whether every process's nodes all saw the whole cluster before the start.</summary>
    public required bool Converged { get; init; }

    /// <summary>The slowest process's warm-up, seconds.</summary>
    public required double WarmupSecondsMax { get; init; }

    /// <summary>Mean measured window, seconds.</summary>
    public required double WindowSeconds { get; init; }

    /// <summary>Latest minus earliest window start over the processes, ms (how well the shared start held).</summary>
    public required double WindowStartSpreadMs { get; init; }

    /// <summary>CPU seconds of all processes in the window.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>CPU seconds / window / nodes, % of one core.</summary>
    public required double CpuPercentPerNode { get; init; }

    /// <summary>The busiest process, % of one core.</summary>
    public required double CpuPercentProcessMax { get; init; }

    /// <summary>Wire bytes sent + received by all nodes in the window.</summary>
    public required long WireBytes { get; init; }

    /// <summary>Wire bytes / nodes / window, KB/s.</summary>
    public required double BandwidthKBpsPerNode { get; init; }

    /// <summary>The busiest node of any process, KB/s.</summary>
    public required double BandwidthKBpsBusiestNode { get; init; }

    /// <summary>Datagrams sent per node per second.</summary>
    public required double DatagramsPerNodePerSecond { get; init; }

    /// <summary>Node-rounds run in the window by all nodes.</summary>
    public required long NodeRounds { get; init; }

    /// <summary>Bytes allocated by all processes / node-rounds.</summary>
    public required double AllocatedBytesPerNodeRound { get; init; }

    /// <summary>Rumors planned.</summary>
    public required int Rumors { get; init; }

    /// <summary>Rumors that reached every live node of every process.</summary>
    public required int RumorsComplete { get; init; }

    /// <summary>Origination until the last live node had it, p50 ms.</summary>
    public required double RumorP50Ms { get; init; }

    /// <summary>Same, p90 ms.</summary>
    public required double RumorP90Ms { get; init; }

    /// <summary>Same, p100 ms.</summary>
    public required double RumorP100Ms { get; init; }

    /// <summary>Notifications of a rumor a node had already reported, all processes.</summary>
    public required int RumorDuplicateDeliveries { get; init; }

    /// <summary>Every rumor.</summary>
    public required IReadOnlyList<ClusterRumorRow> RumorRows { get; init; }

    /// <summary>Detection over every crash by the observers of every process.</summary>
    public required DetectionDistribution Detection { get; init; }

    /// <summary>Distinct live nodes declared dead by anyone during the run.</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Those nodes' ids.</summary>
    public required IReadOnlyList<string> FalsePositiveSubjects { get; init; }

    /// <summary>Death declarations of live nodes, all processes.</summary>
    public required int FalseDeathDeclarations { get; init; }
}
