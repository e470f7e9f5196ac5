using Gossip.Engine.Transport;

namespace Gossip.LoadGen.Measurement;

/// <summary>Traffic totals of a set of transports at one instant.</summary>
internal readonly record struct TrafficSnapshot(long BytesSent, long BytesReceived, long DatagramsSent, long DatagramsReceived, long StreamBytesSent, long StreamBytesReceived)
{
    /// <summary>Bytes docs/measurement.md ("Bandwidth per node") counts for one datagram beyond its payload: IPv4 (20) + UDP (8) headers.</summary>
    public const int DatagramHeaderBytes = 28;

    /// <summary>Wire bytes: datagram payloads plus 28 bytes each, plus stream payload bytes, sent and received.</summary>
    public long WireBytes => BytesSent + BytesReceived + (DatagramHeaderBytes * (DatagramsSent + DatagramsReceived)) + StreamBytesSent + StreamBytesReceived;

    public static TrafficSnapshot Of(TransportCounters counters) => new(
        counters.BytesSent, counters.BytesReceived, counters.DatagramsSent, counters.DatagramsReceived, counters.StreamBytesSent, counters.StreamBytesReceived);

    public static TrafficSnapshot Sum(IEnumerable<TransportCounters> counters)
    {
        TrafficSnapshot total = default;
        foreach (TransportCounters c in counters)
        {
            total += Of(c);
        }

        return total;
    }

    public static TrafficSnapshot operator +(TrafficSnapshot a, TrafficSnapshot b) => new(
        a.BytesSent + b.BytesSent, a.BytesReceived + b.BytesReceived, a.DatagramsSent + b.DatagramsSent,
        a.DatagramsReceived + b.DatagramsReceived, a.StreamBytesSent + b.StreamBytesSent, a.StreamBytesReceived + b.StreamBytesReceived);

    public static TrafficSnapshot operator -(TrafficSnapshot a, TrafficSnapshot b) => new(
        a.BytesSent - b.BytesSent, a.BytesReceived - b.BytesReceived, a.DatagramsSent - b.DatagramsSent,
        a.DatagramsReceived - b.DatagramsReceived, a.StreamBytesSent - b.StreamBytesSent, a.StreamBytesReceived - b.StreamBytesReceived);

    public TrafficSnapshot Add(TrafficSnapshot other) => this + other;

    public TrafficSnapshot Subtract(TrafficSnapshot other) => this - other;
}
