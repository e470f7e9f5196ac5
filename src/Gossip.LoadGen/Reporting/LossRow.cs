namespace Gossip.LoadGen.Reporting;

/// <summary>One loss rate of <c>faults</c>: false positives over a quiet stretch, then crashes one after another and their detection.</summary>
internal sealed record LossRow
{
    /// <summary>Simulated loss rate (0..1).</summary>
    public required double Loss { get; init; }

    /// <summary>Detection over the crashes at this loss rate: p50 / p90 / max for the first and the last detector, and every crash.</summary>
    public required DetectionDistribution Detection { get; init; }

    /// <summary>Distinct live nodes (not crashed, or not yet) declared dead during the whole run: quiet stretch and crashes (false positives).</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Death declarations of live nodes.</summary>
    public required int FalseDeathDeclarations { get; init; }

    /// <summary>The window false positives were counted over, in rounds: the quiet stretch plus the whole crash phase.</summary>
    public required int FalsePositiveWindowRounds { get; init; }

    /// <summary>Suspicions raised during the quiet stretch (all of them refuted unless counted above).</summary>
    public required long Suspicions { get; init; }
}
