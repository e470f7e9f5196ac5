namespace Gossip.LoadGen.Reporting;

/// <summary>One node process over one window of the <c>embedded</c> scenario.</summary>
internal sealed record EmbeddedWindow
{
    /// <summary>1 for the first window after the cluster formed.</summary>
    public required int Window { get; init; }

    /// <summary>Seconds from the cluster forming to the window's start.</summary>
    public required double StartSeconds { get; init; }

    /// <summary>The window's length in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Process CPU (/proc, user + system, exited threads included) over the window, % of one core; 10 ms resolution.</summary>
    public required double CpuPercent { get; init; }

    /// <summary>The same from the process's own getrusage (microsecond resolution; includes answering the two stats requests).</summary>
    public required double CpuPercentRusage { get; init; }

    /// <summary>Resident memory at the window's end, MB (1 MB = 1,000,000 B).</summary>
    public required double ResidentMB { get; init; }

    /// <summary>Proportional memory (Pss) at the window's end, MB: a page shared with other processes counts as its share.</summary>
    public required double ProportionalMB { get; init; }

    /// <summary>Private memory (Private_Clean + Private_Dirty) at the window's end, MB: pages no other process maps.</summary>
    public required double PrivateMB { get; init; }

    /// <summary>Bytes the GC counts as in use at the window's end (GC.GetTotalMemory without a collection), MB.</summary>
    public required double GcHeapMB { get; init; }

    /// <summary>Threads alive at the window's end.</summary>
    public required int Threads { get; init; }

    /// <summary>The most threads alive in any once-a-second snapshot.</summary>
    public required int MaxThreads { get; init; }

    /// <summary>Threads that appeared during the window (a tiered-compilation worker, a thread-pool worker...).</summary>
    public required int ThreadsStarted { get; init; }

    /// <summary>Voluntary context switches per second of every thread seen (a thread's switches after its last snapshot are lost with it).</summary>
    public required double VoluntarySwitchesPerSecond { get; init; }

    /// <summary>Involuntary (preemption) context switches per second, counted the same way.</summary>
    public required double InvoluntarySwitchesPerSecond { get; init; }

    /// <summary>UDP datagrams sent + received per second.</summary>
    public required double DatagramsPerSecond { get; init; }

    /// <summary>Bytes sent + received per second, in KB (1,000 B), with 28 B of IPv4/UDP header per datagram.</summary>
    public required double KBps { get; init; }

    /// <summary>Bytes allocated by the process per second (approximate count, the whole process: node and command loop).</summary>
    public required double AllocatedBytesPerSecond { get; init; }

    /// <summary>Generation 0 collections in the window.</summary>
    public required int Gen0Collections { get; init; }

    /// <summary>CPU milliseconds by thread name over the window, largest first; "(exited unseen)" is CPU of threads born and gone between snapshots.</summary>
    public required IReadOnlyList<ThreadCpu> CpuByThread { get; init; }
}
