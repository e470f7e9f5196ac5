using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Reporting;

/// <summary>
/// Every figure of a <c>targets</c> run (or one size of <c>scale</c>), with the definitions of docs/measurement.md.
/// Serialized as the JSON report; a figure that could not be measured is NaN (never reached: Infinity).
/// </summary>
internal sealed record TargetsReport
{
    /// <summary>The LoadGen command ("targets" or "scale").</summary>
    public required string Command { get; init; }

    /// <summary>The exact command line that produced these figures.</summary>
    public required string CommandLine { get; init; }

    /// <summary>"udp" or "memory".</summary>
    public required string Transport { get; init; }

    /// <summary>"wall" (UDP) or "virtual" (simulation: seconds are simulated, see the Rounds figures).</summary>
    public required string TimeBase { get; init; }

    /// <summary>Nodes started in this process.</summary>
    public required int Nodes { get; init; }

    /// <summary>Gossip interval in ms.</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Fanout.</summary>
    public required int Fanout { get; init; }

    /// <summary>Push, Pull or PushPull.</summary>
    public required string Mode { get; init; }

    /// <summary>"aes-gcm" (every frame encrypted and authenticated with the run's cluster key) or "plaintext".</summary>
    public string Security { get; init; } = "plaintext";

    /// <summary>Simulated loss rate (memory transport only; 0 on UDP).</summary>
    public required double Loss { get; init; }

    /// <summary>Seed of the run's random choices.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Processor count of the machine.</summary>
    public required int MachineCores { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Whether the warm-up ended with every node seeing every live node.</summary>
    public required bool Converged { get; init; }

    /// <summary>Warm-up time until converged (or its timeout).</summary>
    public required double WarmupSeconds { get; init; }

    /// <summary>Live nodes that saw every live node when the warm-up ended (all of them unless it timed out).</summary>
    public required int ConvergedAtWarmupEnd { get; init; }

    /// <summary>Pairs (receiver, sender) of live nodes not yet met when the warm-up ended (0 plaintext; <see cref="IClusterUnderTest.UnmetPairs"/>).</summary>
    public int UnmetPairsAtWarmupEnd { get; init; }

    /// <summary>Whether every pair of live nodes had met before the window (true plaintext, where nothing is made per sender).</summary>
    public bool PairsMet { get; init; } = true;

    /// <summary>Time from convergence until every pair had met (or the timeout).</summary>
    public double FirstContactSeconds { get; init; }

    /// <summary>Pairs still unmet when the steady window began: each one met in the window allocates its replay window and key there.</summary>
    public int UnmetPairsAtWindowStart { get; init; }

    /// <summary>Stream connections open when the settle phase ended (the joins'); the window waits for them to close.</summary>
    public int StreamsOpenAfterSettle { get; init; }

    /// <summary>Stream connections still open when the steady window began (0 unless the wait for them timed out).</summary>
    public int StreamsOpenAtWindowStart { get; init; }

    /// <summary>Measured steady window length.</summary>
    public required double WindowSeconds { get; init; }

    /// <summary>Process CPU seconds / window seconds / nodes, % of one core.</summary>
    public required double CpuPercentPerNode { get; init; }

    /// <summary>Process CPU seconds / window seconds, % of one core.</summary>
    public required double CpuPercentProcess { get; init; }

    /// <summary>Wire bytes (payload + 28 per datagram, + stream bytes) sent + received / nodes / s, KB/s.</summary>
    public required double BandwidthKBpsPerNode { get; init; }

    /// <summary>The busiest node's wire bytes sent + received / s, KB/s.</summary>
    public required double BandwidthKBpsBusiestNode { get; init; }

    /// <summary>Datagrams sent per node per second.</summary>
    public required double DatagramsPerNodePerSecond { get; init; }

    /// <summary>GC.GetTotalAllocatedBytes delta / node-rounds in the window.</summary>
    public required double AllocatedBytesPerNodeRound { get; init; }

    /// <summary>Node-rounds run in the window.</summary>
    public required long NodeRounds { get; init; }

    /// <summary>Generation 0 collections in the window.</summary>
    public required int Gen0Collections { get; init; }

    /// <summary>Generation 1 collections in the window.</summary>
    public required int Gen1Collections { get; init; }

    /// <summary>Generation 2 collections in the window.</summary>
    public required int Gen2Collections { get; init; }

    /// <summary>Rumors originated.</summary>
    public required int Rumors { get; init; }

    /// <summary>Rumors that reached every live node before the timeout.</summary>
    public required int RumorsComplete { get; init; }

    /// <summary>Time from origination until the last live node had it, p50, ms.</summary>
    public required double RumorP50Ms { get; init; }

    /// <summary>Same, p90, ms.</summary>
    public required double RumorP90Ms { get; init; }

    /// <summary>Same, p100, ms.</summary>
    public required double RumorP100Ms { get; init; }

    /// <summary>Same in rounds (elapsed / interval, rounded up), p50.</summary>
    public required double RumorP50Rounds { get; init; }

    /// <summary>Same in rounds, p90.</summary>
    public required double RumorP90Rounds { get; init; }

    /// <summary>Same in rounds, p100.</summary>
    public required double RumorP100Rounds { get; init; }

    /// <summary>Notifications of a rumor a node had already reported, over the whole run (the delivery guarantee is 0).</summary>
    public required int RumorDuplicateDeliveries { get; init; }

    /// <summary>Detection over the crashes of the run, one at a time: p50 / p90 / max for the first and the last detector, and every crash.</summary>
    public required DetectionDistribution Detection { get; init; }

    /// <summary>False positives: distinct live nodes (not crashed, or not yet) declared dead by anyone during the whole run, crashes included.</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Death declarations of live nodes (one live node declared dead by 3 observers counts 3).</summary>
    public required int FalseDeathDeclarations { get; init; }

    /// <summary>The window false positives were counted over: the whole run, seconds.</summary>
    public required double FalsePositiveWindowSeconds { get; init; }

    /// <summary>Every target and goal with its verdict.</summary>
    public required IReadOnlyList<GoalVerdict> Verdicts { get; init; }

    /// <summary>True when both seed targets are met (exit code 0).</summary>
    public required bool SeedTargetsMet { get; init; }

    /// <summary>The phases as they ran.</summary>
    public required IReadOnlyList<PhaseRecord> Phases { get; init; }

    /// <summary>For the first rumor: (ms since origination, fraction of live nodes informed), one point per arrival; for the infected-fraction chart.</summary>
    public required IReadOnlyList<double[]> FirstRumorSpread { get; init; }
}
