namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>faults</c> run (in-memory network, virtual time).</summary>
internal sealed record FaultsReport
{
    /// <summary>The exact command line.</summary>
    public required string CommandLine { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Nodes of the loss and churn phases.</summary>
    public required int Nodes { get; init; }

    /// <summary>Gossip interval, ms (virtual).</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Detection and false positives per loss rate.</summary>
    public required IReadOnlyList<LossRow> Loss { get; init; }

    /// <summary>Half/half partitions of several lengths and cluster sizes, and how long each took to heal.</summary>
    public required IReadOnlyList<PartitionHealRow> PartitionHeals { get; init; }

    /// <summary>Stop-the-world pauses and the crash detected after them.</summary>
    public required IReadOnlyList<PauseRow> Pauses { get; init; }

    /// <summary>Broadcasts sent during loss, partitions and a pause: delivered to every live member, how fast, exactly once.</summary>
    public required IReadOnlyList<BroadcastDeliveryRow> BroadcastDeliveries { get; init; }

    /// <summary>Crash/restart cycles of the churn phase.</summary>
    public required int ChurnRestarts { get; init; }

    /// <summary>Rounds after the churn until every view and every state agree again (-1: never within the limit).</summary>
    public required int ChurnReconvergeRounds { get; init; }

    /// <summary>Application state entries (node x owner key) missing or wrong anywhere after the churn: the proof nothing was lost is 0.</summary>
    public required int StateEntriesLost { get; init; }

    /// <summary>The detection goal judged at every loss rate (reported, not fatal).</summary>
    public required IReadOnlyList<GoalVerdict> Verdicts { get; init; }
}
