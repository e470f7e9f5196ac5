using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Measurement;

/// <summary>
/// Takes the two edge samples of a steady window so that the measuring itself adds nothing to the window's allocation
/// figure: the meter (which reads <see cref="GC.GetTotalAllocatedBytes(bool)"/>) is read last at the start edge and first
/// at the end edge, the per-node arrays are allocated up front, and a <see cref="WindowSample"/> is a struct. The
/// process-wide count includes this measuring, so any byte allocated between the two reads would be charged to the
/// nodes.
/// </summary>
internal sealed class WindowSampler
{
    private readonly IClusterUnderTest _cluster;
    private readonly IProcessMeter _meter;
    private readonly TrafficSnapshot[] _startTraffic;
    private readonly TrafficSnapshot[] _endTraffic;

    /// <summary>Allocates the arrays both samples are read into.</summary>
    public WindowSampler(IClusterUnderTest cluster, IProcessMeter meter)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(meter);
        _cluster = cluster;
        _meter = meter;
        _startTraffic = new TrafficSnapshot[cluster.Count];
        _endTraffic = new TrafficSnapshot[cluster.Count];
    }

    /// <summary>Samples the start edge; the process is read last.</summary>
    public WindowSample Start()
    {
        long rounds = ReadNodes(_startTraffic);
        long timestamp = _cluster.Time.GetTimestamp();
        return new WindowSample(timestamp, _meter.Read(), _startTraffic, rounds);
    }

    /// <summary>Samples the end edge; the process is read first.</summary>
    public WindowSample End()
    {
        ProcessSample process = _meter.Read();
        long timestamp = _cluster.Time.GetTimestamp();
        return new WindowSample(timestamp, process, _endTraffic, ReadNodes(_endTraffic));
    }

    private long ReadNodes(TrafficSnapshot[] traffic)
    {
        long rounds = 0;
        for (int i = 0; i < traffic.Length; i++)
        {
            traffic[i] = _cluster.Traffic(i);
            rounds += _cluster.Rounds(i);
        }

        return rounds;
    }
}
