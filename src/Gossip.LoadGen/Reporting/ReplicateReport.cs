namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>replicate</c> run: the replicated map's repair, spread, steady cost, partition and memory figures.</summary>
internal sealed record ReplicateReport
{
    public required string CommandLine { get; init; }

    public required string Date { get; init; }

    public required int MachineCores { get; init; }

    /// <summary>Two replicas of <see cref="ReconcileRow.Keys"/> keys differing in d keys.</summary>
    public required IReadOnlyList<ReconcileRow> Reconcile { get; init; }

    /// <summary>One write spreading to every node.</summary>
    public required IReadOnlyList<DataSpreadRow> Spread { get; init; }

    /// <summary>Steady cost with and without writes.</summary>
    public required IReadOnlyList<DataSteadyRow> Steady { get; init; }

    /// <summary>A half/half partition with conflicting writes, then healed.</summary>
    public required DataPartitionRow Partition { get; init; }

    /// <summary>Bytes per key beyond key and value.</summary>
    public required DataMemoryRow Memory { get; init; }

    /// <summary>The loopback UDP part (wall time); null with <c>--transport memory</c>.</summary>
    public DataUdpRow? Udp { get; init; }
}

/// <summary>Reconciling two replicas that differ in <see cref="Differing"/> keys.</summary>
internal sealed record ReconcileRow(int Keys, int Differing, int TreeDepth, long Bytes, long Frames, int Rounds, long FlatDigestBytes, bool Converged);

/// <summary>Rounds for one write to reach every node (over <see cref="Writes"/> writes).</summary>
internal sealed record DataSpreadRow(int Nodes, int Writes, double P50Rounds, double P90Rounds, double MaxRounds);

/// <summary>
/// Steady cost per node: bandwidth by the project's definition in simulated time (payload + 28 bytes a datagram, sent
/// plus received, over nodes and seconds), compute time per node per simulated second, bytes allocated per round per node.
/// </summary>
internal sealed record DataSteadyRow(int Nodes, int Keys, double WritesPerSecond, double Seconds, double KBPerSecondPerNode, double BusiestKBPerSecond, double RepairBytesPerSecondPerNode, double ComputeMsPerNodeSecond, double AllocatedBytesPerNodeRound, bool Converged);

/// <summary>The partition case: rounds after the heal until every root agrees, and whether every node holds the LWW model's values.</summary>
internal sealed record DataPartitionRow(int Nodes, int ConflictingKeys, int PartitionRounds, int RoundsToConverge, long RepairBytes, bool SameRootEverywhere, bool MatchesModel);

/// <summary>Memory per key at <see cref="Keys"/> keys: managed heap growth over the key and value bytes.</summary>
internal sealed record DataMemoryRow(int Keys, int KeyBytes, int ValueBytes, double BytesPerKey, double OverheadPerKey);

/// <summary>
/// Loopback UDP, wall time: a converged static map's steady cost per node (bandwidth: payload + 28 bytes a datagram
/// plus stream bytes, sent and received; CPU: process CPU over the window per node, % of one core) and the time for a
/// write to reach every node.
/// </summary>
internal sealed record DataUdpRow(int Nodes, int Keys, double Seconds, double KBPerSecondPerNode, double BusiestKBPerSecond, double RepairBytesPerSecondPerNode, double CpuPercentPerNode, double CpuPercentProcess, int Writes, double SpreadP50Ms, double SpreadP90Ms, double SpreadMaxMs, bool Converged);
