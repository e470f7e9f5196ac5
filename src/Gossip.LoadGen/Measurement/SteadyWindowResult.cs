namespace Gossip.LoadGen.Measurement;

/// <summary>The steady-window figures defined in docs/measurement.md.</summary>
internal sealed record SteadyWindowResult
{
    /// <summary>Measured window length (clock time between the two samples).</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Process CPU seconds / window seconds / nodes, as % of one core.</summary>
    public required double CpuPercentPerNode { get; init; }

    /// <summary>Process CPU seconds / window seconds, as % of one core.</summary>
    public required double CpuPercentProcess { get; init; }

    /// <summary>Wire bytes sent + received by all nodes / nodes / seconds, in KB/s.</summary>
    public required double KBpsPerNode { get; init; }

    /// <summary>The busiest node's wire bytes sent + received / seconds, in KB/s.</summary>
    public required double KBpsBusiestNode { get; init; }

    /// <summary>Datagrams sent per node per second.</summary>
    public required double DatagramsPerNodePerSecond { get; init; }

    /// <summary>Allocated bytes / node-rounds.</summary>
    public required double AllocatedBytesPerNodeRound { get; init; }

    /// <summary>Node-rounds run in the window.</summary>
    public required long NodeRounds { get; init; }

    /// <summary>Generation 0 collections in the window.</summary>
    public required int Gen0 { get; init; }

    /// <summary>Generation 1 collections in the window.</summary>
    public required int Gen1 { get; init; }

    /// <summary>Generation 2 collections in the window.</summary>
    public required int Gen2 { get; init; }
}
