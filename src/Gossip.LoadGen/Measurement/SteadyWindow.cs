namespace Gossip.LoadGen.Measurement;

/// <summary>Turns the two edge samples of a steady window into the figures defined in docs/measurement.md ("The steady window"). Pure.</summary>
internal static class SteadyWindow
{
    /// <summary>Computes the figures of the window from <paramref name="start"/> to <paramref name="end"/> over <paramref name="nodes"/> nodes.</summary>
    /// <remarks>Nodes are matched by index; a node that crashed inside the window still counts (its traffic up to the crash is real).</remarks>
    public static SteadyWindowResult Compute(WindowSample start, WindowSample end, int nodes, long timestampFrequency)
    {
        TimeSpan window = Timestamps.Between(start.Timestamp, end.Timestamp, timestampFrequency);
        TimeSpan cpu = end.Process.CpuTime - start.Process.CpuTime;
        TrafficSnapshot total = default;
        double busiest = 0;
        for (int i = 0; i < end.Traffic.Count; i++)
        {
            TrafficSnapshot delta = end.Traffic[i] - (i < start.Traffic.Count ? start.Traffic[i] : default);
            total += delta;
            busiest = Math.Max(busiest, SteadyStateFigures.KilobytesPerSecond(delta, window));
        }

        long nodeRounds = end.Rounds - start.Rounds;
        return new SteadyWindowResult
        {
            Window = window,
            CpuPercentPerNode = SteadyStateFigures.CpuPercentPerNode(cpu, window, nodes),
            CpuPercentProcess = SteadyStateFigures.CpuPercentTotal(cpu, window),
            KBpsPerNode = SteadyStateFigures.KilobytesPerSecondPerNode(total, window, nodes),
            KBpsBusiestNode = busiest,
            DatagramsPerNodePerSecond = SteadyStateFigures.DatagramsPerNodePerSecond(total, window, nodes),
            AllocatedBytesPerNodeRound = SteadyStateFigures.AllocatedBytesPerNodeRound(end.Process.AllocatedBytes - start.Process.AllocatedBytes, nodeRounds),
            NodeRounds = nodeRounds,
            Gen0 = end.Process.Gen0 - start.Process.Gen0,
            Gen1 = end.Process.Gen1 - start.Process.Gen1,
            Gen2 = end.Process.Gen2 - start.Process.Gen2,
        };
    }
}
