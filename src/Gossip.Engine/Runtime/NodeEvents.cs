using System.Threading.Channels;
using Gossip.Wire;
using Microsoft.Extensions.Logging;

namespace Gossip.Engine.Runtime;

/// <summary>
/// The application's change notifications: a bounded channel that drops the oldest when the application does not
/// drain it (counted), plus a log line for membership changes. A capacity of 0 turns notifications off.
/// </summary>
internal sealed class NodeEvents
{
    private static readonly Channel<GossipEvent> None = CreateNone();

    private readonly Channel<GossipEvent> _channel;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public NodeEvents(int capacity, ILogger logger, TimeProvider time, NodeCounters counters)
    {
        _logger = logger;
        _time = time;
        Enabled = capacity > 0;
        _channel = capacity == 0
            ? None
            : Channel.CreateBounded<GossipEvent>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
                _ => Interlocked.Increment(ref counters.EventsDroppedValue));
    }

    /// <summary>False when the application asked for no notifications (payload copies can then be skipped).</summary>
    public bool Enabled { get; }

    public ChannelReader<GossipEvent> Reader => _channel.Reader;

    /// <summary>Events raised so far, delivered or not (owner thread): a round that raised one was not quiet.</summary>
    public long Raised { get; private set; }

    public void Notify(GossipEventKind kind, NodeId member, string? key = null, RumorId rumor = default, ReadOnlyMemory<byte> payload = default, RumorId lastMissed = default)
    {
        Raised++;
        if (kind is not (GossipEventKind.StateChanged or GossipEventKind.RumorReceived or GossipEventKind.BroadcastGap))
        {
            Log.MemberChanged(_logger, member, kind);
        }

        if (Enabled)
        {
            _channel.Writer.TryWrite(new GossipEvent(kind, member, _time.GetTimestamp(), key, rumor, payload, lastMissed));
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    private static Channel<GossipEvent> CreateNone()
    {
        Channel<GossipEvent> channel = Channel.CreateBounded<GossipEvent>(1);
        channel.Writer.TryComplete();
        return channel;
    }
}
