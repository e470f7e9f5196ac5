namespace Gossip.LoadGen.Reporting;

/// <summary>One <c>converge</c> case: rounds for one rumor to reach every node, against the synchronous model.</summary>
internal sealed record ConvergeRow
{
    /// <summary>Nodes.</summary>
    public required int Nodes { get; init; }

    /// <summary>Push, Pull or PushPull.</summary>
    public required string Mode { get; init; }

    /// <summary>Fanout.</summary>
    public required int Fanout { get; init; }

    /// <summary>Gossip interval in ms (virtual).</summary>
    public required double IntervalMs { get; init; }

    /// <summary>True when every node had the rumor within <see cref="MaxRounds"/>.</summary>
    public required bool Reached { get; init; }

    /// <summary>Rounds to full spread (NaN when not reached).</summary>
    public required double Rounds { get; init; }

    /// <summary>Rounds allowed.</summary>
    public required int MaxRounds { get; init; }

    /// <summary>Nodes informed when the run stopped (n when reached).</summary>
    public required int InformedAtEnd { get; init; }

    /// <summary>Median rounds of the ideal synchronous model (SynchronousSpreadModel) for the same n, fanout and mode.</summary>
    public required int IdealRounds { get; init; }

    /// <summary>Rounds * interval: the time to full spread at that interval (NaN when not reached).</summary>
    public required double VirtualSeconds { get; init; }

    /// <summary>Wall time the simulation took to compute the spread (cluster build excluded), seconds.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Nodes informed after each round, for the chart.</summary>
    public required IReadOnlyList<int> InformedPerRound { get; init; }
}
