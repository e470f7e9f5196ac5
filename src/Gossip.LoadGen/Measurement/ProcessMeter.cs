namespace Gossip.LoadGen.Measurement;

/// <summary>The real <see cref="IProcessMeter"/>: this process's CPU time, precise allocated bytes and GC counts. Reading allocates nothing.</summary>
internal sealed class ProcessMeter : IProcessMeter
{
    /// <summary>One shared instance; it holds no state.</summary>
    public static ProcessMeter Instance { get; } = new();

    /// <inheritdoc />
    public ProcessSample Read()
    {
        // Environment.CpuUsage is one getrusage call; Process.GetCurrentProcess().TotalProcessorTime allocated a Process
        // and parsed /proc text, and at the window's end edge those bytes were charged to the nodes.
        return new ProcessSample(
            Environment.CpuUsage.TotalTime,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));
    }
}
