using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Diagnostics;

/// <summary>
/// The <c>Gossip.Engine</c> meter: observable instruments read from the counters of the nodes registered here, named
/// in the style of the OpenTelemetry semantic conventions (a <c>gossip.</c> namespace, dotted lowercase names, UCUM
/// units, one instrument with a <c>network.io.direction</c> attribute rather than a sent/received pair, an
/// <c>error.type</c> attribute for drop reasons, snake_case attribute values). Every measurement carries
/// <c>gossip.node.id</c>. The hot path only bumps plain counters; these callbacks run when a listener collects (they
/// may allocate a little then). Every <see cref="GossipNode"/> registers itself on start. The table of instruments is
/// in docs/operations.md.
/// </summary>
public static class GossipMetrics
{
    /// <summary>The meter name to subscribe to (e.g. in OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "Gossip.Engine";

    /// <summary>The attribute naming the node a measurement belongs to (its id, hex).</summary>
    public const string NodeIdAttribute = "gossip.node.id";

    private const string Direction = "network.io.direction";

    private static readonly ConcurrentDictionary<long, Source> Sources = new();
    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly WireStatus[] DropReasons = Enum.GetValues<WireStatus>();
    private static readonly string[] DropReasonNames = Array.ConvertAll(DropReasons, static r => SnakeCase(r.ToString()));
    private static readonly string[] StatusNames = Array.ConvertAll(Enum.GetValues<MemberStatus>(), static s => SnakeCase(s.ToString()));
    private static long _nextId;

#pragma warning disable CA1823, IDE0052 // The instruments are kept alive by the meter; the fields document what exists.
    private static readonly ObservableCounter<long> Rounds = Meter.CreateObservableCounter("gossip.rounds", () => Each(static s => s.Node.Rounds), "{round}", "Gossip rounds the node has run.");
    private static readonly ObservableCounter<long> Messages = Meter.CreateObservableCounter("gossip.network.messages", () => Directed(static s => s.Transport.DatagramsSent + s.Transport.StreamFramesSent, static s => s.Transport.DatagramsReceived + s.Transport.StreamFramesReceived), "{message}", "Datagrams and stream frames sent (network.io.direction=transmit) and received (receive).");
    private static readonly ObservableCounter<long> Bytes = Meter.CreateObservableCounter("gossip.network.io", () => Directed(static s => s.Transport.BytesSent + s.Transport.StreamBytesSent, static s => s.Transport.BytesReceived + s.Transport.StreamBytesReceived), "By", "Payload bytes sent (network.io.direction=transmit) and received (receive), datagrams and streams.");
    private static readonly ObservableCounter<long> Drops = Meter.CreateObservableCounter("gossip.frames.dropped", ObserveDrops, "{frame}", "Frames received and dropped, by reason (error.type).");
    private static readonly ObservableCounter<long> Suspicions = Meter.CreateObservableCounter("gossip.suspicions", () => Each(static s => s.Node.Suspicions), "{suspicion}", "Suspicions of other members the node has raised.");
    private static readonly ObservableUpDownCounter<int> Members = Meter.CreateObservableUpDownCounter("gossip.member.count", ObserveMembers, "{member}", "Members the node knows, itself included, by status (gossip.member.status).");
    private static readonly ObservableUpDownCounter<long> ActiveRumors = Meter.CreateObservableUpDownCounter("gossip.active_rumors", () => Each(static s => s.RumorQueueDepth()), "{rumor}", "Rumors the node is still spreading.");
    private static readonly ObservableUpDownCounter<long> RetainedBroadcasts = Meter.CreateObservableUpDownCounter("gossip.broadcasts.retained", () => Each(static s => s.Node.RetainedBroadcasts), "{broadcast}", "Broadcasts retained to resend to members that missed them.");
    private static readonly ObservableUpDownCounter<long> RetainedBroadcastBytes = Meter.CreateObservableUpDownCounter("gossip.broadcasts.retained.bytes", () => Each(static s => s.Node.RetainedBroadcastBytes), "By", "Payload bytes of the broadcasts retained.");
    private static readonly ObservableCounter<long> BroadcastGaps = Meter.CreateObservableCounter("gossip.broadcasts.gaps", () => Each(static s => s.Node.BroadcastGaps), "{gap}", "Gap events: broadcasts missed that no peer retained any more.");
    private static readonly ObservableCounter<long> DataRepairs = Meter.CreateObservableCounter("gossip.data.repairs", () => Each(static s => s.Node.DataRepairs), "{repair}", "Merkle repairs of the replicated map started (a peer's root differed).");
    private static readonly ObservableCounter<long> DataLevels = Meter.CreateObservableCounter("gossip.data.levels_descended", () => Each(static s => s.Node.DataLevelsDescended), "{level}", "Tree levels of the replicated map compared for peers.");
    private static readonly ObservableCounter<long> DataRepairBytes = Meter.CreateObservableCounter("gossip.data.repair.io", () => Each(static s => s.Node.DataRepairBytes), "By", "Bytes of Merkle-repair frames sent (tree levels and entries).");
    private static readonly ObservableCounter<long> Refusals = Meter.CreateObservableCounter("gossip.answers.refused", ObserveRefusals, "{answer}", "Answers to non-member addresses not sent, by reason (error.type): larger than the request (withheld), over the per-source rate (rate_limited), ping-reqs refused (ping_req_refused).");
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
            yield return new Measurement<long>(read(source), new KeyValuePair<string, object?>(NodeIdAttribute, source.Name));
        }
    }

    private static IEnumerable<Measurement<long>> Directed(Func<Source, long> transmitted, Func<Source, long> received)
    {
        foreach (Source source in Sources.Values)
        {
            yield return new Measurement<long>(transmitted(source), new(NodeIdAttribute, source.Name), new(Direction, "transmit"));
            yield return new Measurement<long>(received(source), new(NodeIdAttribute, source.Name), new(Direction, "receive"));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveDrops()
    {
        foreach (Source source in Sources.Values)
        {
            for (int i = 0; i < DropReasons.Length; i++)
            {
                long count = source.Node.DroppedFor(DropReasons[i]);
                if (DropReasons[i] != WireStatus.Ok && count > 0)
                {
                    yield return new Measurement<long>(count, new(NodeIdAttribute, source.Name), new("error.type", DropReasonNames[i]));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveRefusals()
    {
        foreach (Source source in Sources.Values)
        {
            yield return new Measurement<long>(source.Node.RepliesWithheld, new(NodeIdAttribute, source.Name), new("error.type", "withheld"));
            yield return new Measurement<long>(source.Node.RepliesRateLimited, new(NodeIdAttribute, source.Name), new("error.type", "rate_limited"));
            yield return new Measurement<long>(source.Node.PingReqsRefused, new(NodeIdAttribute, source.Name), new("error.type", "ping_req_refused"));
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
                yield return new Measurement<int>(byStatus[status], new(NodeIdAttribute, source.Name), new("gossip.member.status", StatusNames[status]));
            }
        }
    }

    /// <summary>"BadMagic" to "bad_magic": attribute values in the semantic conventions' style.</summary>
    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
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
