namespace Gossip.LoadGen.Reporting;

/// <summary>Every process of the <c>embedded</c> scenario over one window: medians and the worst.</summary>
internal sealed record EmbeddedWindowSummary
{
    /// <summary>1 for the first window after the cluster formed.</summary>
    public required int Window { get; init; }

    /// <summary>Median over processes of CPU % of one core (/proc).</summary>
    public required double MedianCpuPercent { get; init; }

    /// <summary>The busiest process's CPU % of one core (/proc).</summary>
    public required double MaxCpuPercent { get; init; }

    /// <summary>Median over processes of CPU % from getrusage.</summary>
    public required double MedianCpuPercentRusage { get; init; }

    /// <summary>Median resident memory, MB.</summary>
    public required double MedianResidentMB { get; init; }

    /// <summary>The largest resident memory, MB.</summary>
    public required double MaxResidentMB { get; init; }

    /// <summary>Median proportional memory (Pss), MB.</summary>
    public required double MedianProportionalMB { get; init; }

    /// <summary>Median private memory, MB.</summary>
    public required double MedianPrivateMB { get; init; }

    /// <summary>The most threads any process had alive.</summary>
    public required int MaxThreads { get; init; }

    /// <summary>Threads started during the window, summed over processes.</summary>
    public required int ThreadsStarted { get; init; }

    /// <summary>Median of voluntary + involuntary context switches per second.</summary>
    public required double MedianSwitchesPerSecond { get; init; }

    /// <summary>Median datagrams sent + received per second.</summary>
    public required double MedianDatagramsPerSecond { get; init; }
}
