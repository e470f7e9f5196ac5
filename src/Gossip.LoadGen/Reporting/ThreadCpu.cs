namespace Gossip.LoadGen.Reporting;

/// <summary>CPU time of the threads of one name in one window.</summary>
internal sealed record ThreadCpu
{
    /// <summary>Thread name (comm) as /proc shows it.</summary>
    public required string Name { get; init; }

    /// <summary>CPU milliseconds (10 ms resolution).</summary>
    public required double CpuMs { get; init; }
}
