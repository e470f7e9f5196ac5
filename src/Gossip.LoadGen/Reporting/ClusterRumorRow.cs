namespace Gossip.LoadGen.Reporting;

/// <summary>One rumor of a merged run: from its origination until the last live node of any process had it.</summary>
internal sealed record ClusterRumorRow
{
    /// <summary>Its place in the plan, from 0.</summary>
    public required int Number { get; init; }

    /// <summary>Originating node's id.</summary>
    public required string Origin { get; init; }

    /// <summary>Origination as the origin's process recorded it (planned, when that report is missing), Unix ms.</summary>
    public required double OriginatedUnixMs { get; init; }

    /// <summary>Live nodes (the origin excepted) over every process.</summary>
    public required int Expected { get; init; }

    /// <summary>Of them, nodes that received it.</summary>
    public required int Received { get; init; }

    /// <summary>Origination until the last of them had it, ms; Infinity when one never did.</summary>
    public required double LastMs { get; init; }
}
