namespace Gossip.LoadGen.Reporting;

/// <summary>
/// Stop-the-world pauses of <c>faults</c> (simulation): one node at a time frozen (no ticks, frames held in its receive
/// buffer), then a real crash, to show that tolerating pauses did not blind detection.
/// </summary>
internal sealed record PauseRow
{
    public required int Nodes { get; init; }

    /// <summary>Length of each pause, virtual seconds.</summary>
    public required double PauseSeconds { get; init; }

    /// <summary>Pauses, each of a different node, one after another.</summary>
    public required int Pauses { get; init; }

    /// <summary>Death verdicts reached by any node during the pause phase; every one is false (nothing crashed then).</summary>
    public required long DeathDeclarations { get; init; }

    /// <summary>Suspicions raised over the pauses (refuted ones included).</summary>
    public required long Suspicions { get; init; }

    /// <summary>Rounds until every live node declared a node crashed after the pauses dead; -1 when not within the limit.</summary>
    public required int CrashDetectedRounds { get; init; }
}
