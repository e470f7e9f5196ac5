namespace Gossip.LoadGen.Measurement;

/// <summary>
/// The steady-window arithmetic defined in docs/measurement.md, kept pure so it is unit-tested on fake numbers.
/// </summary>
internal static class SteadyStateFigures
{
    /// <summary>CPU per node as % of one core: CPU seconds / window seconds / nodes * 100.</summary>
    public static double CpuPercentPerNode(TimeSpan cpu, TimeSpan window, int nodes) =>
        cpu.TotalSeconds / window.TotalSeconds / nodes * 100.0;

    /// <summary>Process CPU as % of one core.</summary>
    public static double CpuPercentTotal(TimeSpan cpu, TimeSpan window) => cpu.TotalSeconds / window.TotalSeconds * 100.0;

    /// <summary>Bandwidth per node in KB/s (1 KB = 1,000 B): wire bytes sent + received by all nodes / nodes / seconds.</summary>
    public static double KilobytesPerSecondPerNode(TrafficSnapshot delta, TimeSpan window, int nodes) =>
        delta.WireBytes / (double)nodes / window.TotalSeconds / 1000.0;

    /// <summary>Bandwidth of one node in KB/s.</summary>
    public static double KilobytesPerSecond(TrafficSnapshot delta, TimeSpan window) => delta.WireBytes / window.TotalSeconds / 1000.0;

    /// <summary>Datagrams sent per node per second.</summary>
    public static double DatagramsPerNodePerSecond(TrafficSnapshot delta, TimeSpan window, int nodes) =>
        delta.DatagramsSent / (double)nodes / window.TotalSeconds;

    /// <summary>Bytes allocated per round per node: allocated bytes / rounds summed over nodes.</summary>
    public static double AllocatedBytesPerNodeRound(long allocatedBytes, long nodeRounds) =>
        nodeRounds <= 0 ? double.NaN : allocatedBytes / (double)nodeRounds;
}
