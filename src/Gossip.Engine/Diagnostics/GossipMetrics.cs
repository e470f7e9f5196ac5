using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Diagnostics;

/// <summary>
/// The <c>Gossip.Engine</c> meter: observable instruments (OpenTelemetry-style names) read from the counters of the
/// nodes registered here. The hot path only bumps plain counters; these callbacks run when a listener collects
/// (they may allocate a little then). Every <see cref="GossipNode"/> registers itself on start.
/// </summary>
public static class GossipMetrics
{
    /// <summary>The meter name to subscribe to (e.g. in OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "Gossip.Engine";

    private static readonly ConcurrentDictionary<long, Source> Sources = new();
    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly WireStatus[] DropReasons = Enum.GetValues<WireStatus>();
    private static long _nextId;

#pragma warning disable CA1823, IDE0052 // The instruments are kept alive by the meter; the fields document what exists.
    private static readonly ObservableCounter<long> Rounds = Meter.CreateObservableCounter("gossip.rounds", () => Each(s => s.Node.Rounds), "{round}", "Gossip rounds run.");
    private static readonly ObservableCounter<long> MessagesSent = Meter.CreateObservableCounter("gossip.messages.sent", () => Each(s => s.Transport.DatagramsSent + s.Transport.StreamFramesSent), "{message}", "Datagrams and stream frames sent.");
    private static readonly ObservableCounter<long> MessagesReceived = Meter.CreateObservableCounter("gossip.messages.received", () => Each(s => s.Transport.DatagramsReceived + s.Transport.StreamFramesReceived), "{message}", "Datagrams and stream frames received.");
    private static readonly ObservableCounter<long> BytesSent = Meter.CreateObservableCounter("gossip.bytes.sent", () => Each(s => s.Transport.BytesSent + s.Transport.StreamBytesSent), "By", "Payload bytes sent.");
    private static readonly ObservableCounter<long> BytesReceived = Meter.CreateObservableCounter("gossip.bytes.received", () => Each(s => s.Transport.BytesReceived + s.Transport.StreamBytesReceived), "By", "Payload bytes received.");
    private static readonly ObservableCounter<long> Drops = Meter.CreateObservableCounter("gossip.drops", ObserveDrops, "{frame}", "Frames dropped, by reason.");
    private static readonly ObservableCounter<long> Suspicions = Meter.CreateObservableCounter("gossip.suspicions", () => Each(s => s.Node.Suspicions), "{suspicion}", "Suspicions raised.");
    private static readonly ObservableGauge<int> Members = Meter.CreateObservableGauge("gossip.members", ObserveMembers, "{member}", "Members known, by status.");
    private static readonly ObservableGauge<long> RetainedBroadcasts = Meter.CreateObservableGauge("gossip.broadcasts.retained", () => Each(s => s.Node.RetainedBroadcasts), "{broadcast}", "Broadcasts retained to resend to members that missed them.");
    private static readonly ObservableGauge<long> RetainedBroadcastBytes = Meter.CreateObservableGauge("gossip.broadcasts.retained.bytes", () => Each(s => s.Node.RetainedBroadcastBytes), "By", "Payload bytes of the broadcasts retained.");
    private static readonly ObservableCounter<long> BroadcastGaps = Meter.CreateObservableCounter("gossip.broadcasts.gaps", () => Each(s => s.Node.BroadcastGaps), "{gap}", "Gap events: broadcasts missed that no peer retained any more.");
    private static readonly ObservableGauge<long> RumorQueue = Meter.CreateObservableGauge("gossip.rumor.queue.depth", () => Each(s => s.RumorQueueDepth()), "{rumor}", "Rumors being spread.");
#pragma warning restore CA1823, IDE0052

    /// <summary>Registers a node's counters; dispose the result to stop reporting them.</summary>
    public static IDisposable Register(string nodeName, NodeCounters node, TransportCounters transport, Func<IReadOnlyList<MemberSnapshot>>? members = null, Func<int>? rumorQueueDepth = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        Sources[id] = new Source(nodeName, node, transport, members, rumorQueueDepth);
        return new Registration(id);
    }

    private static IEnumerable<Measurement<long>> Each(Func<Source, long> read)
    {
        foreach (Source source in Sources.Values)
        {
            yield return new Measurement<long>(read(source), new KeyValuePair<string, object?>("gossip.node", source.Name));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveDrops()
    {
        foreach (Source source in Sources.Values)
        {
            foreach (WireStatus reason in DropReasons)
            {
                long count = source.Node.DroppedFor(reason);
                if (reason != WireStatus.Ok && count > 0)
                {
                    yield return new Measurement<long>(count, new("gossip.node", source.Name), new("reason", reason.ToString()));
                }
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveMembers()
    {
        foreach (Source source in Sources.Values)
        {
            if (source.Members is null)
            {
                continue;
            }

            int[] byStatus = new int[4];
            foreach (MemberSnapshot m in source.Members())
            {
                byStatus[(int)m.Status & 3]++;
            }

            for (int status = 0; status < 4; status++)
            {
                yield return new Measurement<int>(byStatus[status], new("gossip.node", source.Name), new("status", ((MemberStatus)status).ToString()));
            }
        }
    }

    private sealed record Source(string Name, NodeCounters Node, TransportCounters Transport, Func<IReadOnlyList<MemberSnapshot>>? Members, Func<int>? RumorQueue)
    {
        public long RumorQueueDepth() => RumorQueue?.Invoke() ?? 0;
    }

    private sealed class Registration(long id) : IDisposable
    {
        public void Dispose() => Sources.TryRemove(id, out _);
    }
}
