using System.Diagnostics;

namespace Gossip.LoadGen.Measurement;

/// <summary>The real <see cref="IProcessMeter"/>: this process's CPU time, precise allocated bytes and GC counts.</summary>
internal sealed class ProcessMeter : IProcessMeter
{
    /// <summary>One shared instance; it holds no state.</summary>
    public static ProcessMeter Instance { get; } = new();

    /// <inheritdoc />
    public ProcessSample Read()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessSample(
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));
    }
}
