namespace Gossip.LoadGen.Reporting;

/// <summary>One planned rumor as one process saw it: when it was originated, and when this process's nodes had it.</summary>
internal sealed record PartRumorRow
{
    /// <summary>Its place in the plan, from 0.</summary>
    public required int Number { get; init; }

    /// <summary>Originating node's id.</summary>
    public required string Origin { get; init; }

    /// <summary>Originating node's process.</summary>
    public required int OriginPart { get; init; }

    /// <summary>Planned origination, Unix ms.</summary>
    public required double PlannedUnixMs { get; init; }

    /// <summary>Actual origination, Unix ms; NaN unless the origin is in this process.</summary>
    public required double OriginatedUnixMs { get; init; }

    /// <summary>This process's live nodes (the origin excepted) when it was originated.</summary>
    public required int Expected { get; init; }

    /// <summary>Of them, nodes that received it before the run ended.</summary>
    public required int Received { get; init; }

    /// <summary>First arrival here, Unix ms (NaN: none).</summary>
    public required double FirstUnixMs { get; init; }

    /// <summary>Last arrival here, Unix ms (NaN: none).</summary>
    public required double LastUnixMs { get; init; }

    /// <summary>From origination (actual when here, else planned) until the last of this process's nodes had it, ms; Infinity when one never did.</summary>
    public required double LastMs { get; init; }
}
