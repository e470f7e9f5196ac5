namespace Gossip.LoadGen.Reporting;

/// <summary>One loss rate of <c>faults</c>: false positives over a quiet stretch, then one crash and its detection.</summary>
internal sealed record LossRow
{
    /// <summary>Simulated loss rate (0..1).</summary>
    public required double Loss { get; init; }

    /// <summary>Crash until the first live node declared it dead, seconds (Infinity: never).</summary>
    public required double DetectFirstSeconds { get; init; }

    /// <summary>Crash until the last live node declared it dead, seconds (Infinity: not all did within the limit).</summary>
    public required double DetectLastSeconds { get; init; }

    /// <summary><see cref="DetectLastSeconds"/> in rounds.</summary>
    public required double DetectLastRounds { get; init; }

    /// <summary>Live nodes that declared the crashed node dead, of <see cref="DetectionExpected"/>.</summary>
    public required int DetectedBy { get; init; }

    /// <summary>Live nodes expected to declare it dead.</summary>
    public required int DetectionExpected { get; init; }

    /// <summary>Distinct live nodes declared dead during the whole run (false positives).</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Death declarations of live nodes.</summary>
    public required int FalseDeathDeclarations { get; init; }

    /// <summary>The window false positives were counted over, in rounds.</summary>
    public required int FalsePositiveWindowRounds { get; init; }

    /// <summary>Suspicions raised during the quiet stretch (all of them refuted unless counted above).</summary>
    public required long Suspicions { get; init; }
}
