namespace Gossip.LoadGen.Reporting;

/// <summary>One process of a merged run, as its own report gave it.</summary>
internal sealed record ClusterProcessRow
{
    /// <summary>Its part.</summary>
    public required int Part { get; init; }

    /// <summary>Host name.</summary>
    public required string Host { get; init; }

    /// <summary>Process id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>Nodes it ran.</summary>
    public required int Nodes { get; init; }

    /// <summary>Its CPU in the window, % of one core.</summary>
    public required double CpuPercentProcess { get; init; }

    /// <summary>Its bandwidth per node in the window, KB/s.</summary>
    public required double BandwidthKBpsPerNode { get; init; }

    /// <summary>Whether all its nodes saw the whole cluster before the start.</summary>
    public required bool Converged { get; init; }

    /// <summary>Its window's measured start, Unix ms.</summary>
    public required double WindowStartUnixMs { get; init; }

    /// <summary>Its host's load averages when the window started.</summary>
    public required string LoadAverageAtWindowStart { get; init; }

    /// <summary>Its exact command line.</summary>
    public required string CommandLine { get; init; }
}
