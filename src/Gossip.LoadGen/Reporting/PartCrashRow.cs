namespace Gossip.LoadGen.Reporting;

/// <summary>One planned crash as one process saw it: when it happened, and when this process's nodes declared the victim dead.</summary>
internal sealed record PartCrashRow
{
    /// <summary>Its place in the plan, from 0.</summary>
    public required int Number { get; init; }

    /// <summary>The crashed node's id.</summary>
    public required string Victim { get; init; }

    /// <summary>The crashed node's process.</summary>
    public required int VictimPart { get; init; }

    /// <summary>The crashed node's index in the whole cluster (part-major).</summary>
    public required int VictimGlobalIndex { get; init; }

    /// <summary>Planned crash, Unix ms.</summary>
    public required double PlannedUnixMs { get; init; }

    /// <summary>Actual crash, Unix ms; NaN unless the victim is in this process.</summary>
    public required double CrashedUnixMs { get; init; }

    /// <summary>Observers here: this process's live nodes that listed the victim when it crashed.</summary>
    public required int Expected { get; init; }

    /// <summary>Of them, nodes that declared it dead before the run ended.</summary>
    public required int DetectedBy { get; init; }

    /// <summary>First declaration here, Unix ms (NaN: none).</summary>
    public required double FirstUnixMs { get; init; }

    /// <summary>Last declaration here, Unix ms (NaN: none).</summary>
    public required double LastUnixMs { get; init; }
}
