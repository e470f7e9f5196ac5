namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>faults</c> run (in-memory network, virtual time).</summary>
internal sealed record FaultsReport
{
    /// <summary>The exact command line.</summary>
    public required string CommandLine { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Nodes.</summary>
    public required int Nodes { get; init; }

    /// <summary>Gossip interval, ms (virtual).</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Detection and false positives per loss rate.</summary>
    public required IReadOnlyList<LossRow> Loss { get; init; }

    /// <summary>Rounds after a half/half partition of 60 rounds heals until every view and every state agree again (-1: never within the limit).</summary>
    public required int PartitionHealRounds { get; init; }

    /// <summary>Crash/restart cycles of the churn phase.</summary>
    public required int ChurnRestarts { get; init; }

    /// <summary>Rounds after the churn until every view and every state agree again (-1: never within the limit).</summary>
    public required int ChurnReconvergeRounds { get; init; }

    /// <summary>Application state entries (node x owner key) missing or wrong anywhere after the churn: the proof nothing was lost is 0.</summary>
    public required int StateEntriesLost { get; init; }
}
