using System.Threading.Channels;
using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>
/// One gossip node: membership, failure detection, rumor mongering, anti-entropy and aggregation over an
/// <see cref="ITransport"/>. Safe to call from any thread; its state is touched by one executor at a time.
/// </summary>
public sealed partial class GossipNode : IFrameReceiver, IDisposable
{
    /// <summary>Creates a node; nothing is sent until <see cref="Start"/>.</summary>
    public GossipNode(GossipOptions options, ITransport transport, GossipNodeServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        throw new NotImplementedException();
    }

    /// <summary>This node's id.</summary>
    public NodeId Id { get; }

    /// <summary>This incarnation's generation.</summary>
    public uint Generation { get; }

    /// <summary>The address peers reach this node at.</summary>
    public WireAddress Address => throw new NotImplementedException();

    /// <summary>Protocol counters.</summary>
    public NodeCounters Counters { get; } = new();

    /// <summary>The transport's byte and datagram counters.</summary>
    public TransportCounters TransportCounters => throw new NotImplementedException();

    /// <summary>Rounds run so far.</summary>
    public long Round => throw new NotImplementedException();

    /// <summary>Alive (or suspect) members known, this node included.</summary>
    public int LiveMemberCount => throw new NotImplementedException();

    /// <summary>Every member known, as of the last membership change.</summary>
    public IReadOnlyList<MemberSnapshot> Members => throw new NotImplementedException();

    /// <summary>The latest aggregate estimate.</summary>
    public AggregateEstimate Aggregate => throw new NotImplementedException();

    /// <summary>Change notifications (member joined / suspect / dead / left, state changed, rumor received).</summary>
    public ChannelReader<GossipEvent> Events => throw new NotImplementedException();

    /// <summary>Starts receiving and (unless single-threaded) schedules rounds.</summary>
    public void Start() => throw new NotImplementedException();

    /// <summary>Stops at once, without a goodbye (peers will detect the silence).</summary>
    public void Stop() => throw new NotImplementedException();

    /// <summary>Announces a graceful departure to a few peers, then stops taking part.</summary>
    public void Leave() => throw new NotImplementedException();

    /// <summary>Contacts the seeds to join their cluster.</summary>
    public void Join(IEnumerable<WireAddress> seeds) => throw new NotImplementedException();

    /// <summary>Sets a key of this node's application state (its version advances).</summary>
    public void SetLocal(string key, ReadOnlySpan<byte> value) => throw new NotImplementedException();

    /// <summary>Removes a key of this node's application state (a tombstone spreads).</summary>
    public void RemoveLocal(string key) => throw new NotImplementedException();

    /// <summary>Reads a member's application state as this node knows it.</summary>
    public bool TryGetState(NodeId member, string key, out ReadOnlyMemory<byte> value) => throw new NotImplementedException();

    /// <summary>Spreads a user rumor to the whole cluster.</summary>
    public RumorId Broadcast(ReadOnlySpan<byte> payload) => throw new NotImplementedException();

    /// <summary>Publishes this node's numeric value for aggregation (avg, sum, min, max, count).</summary>
    public void PublishValue(double value) => throw new NotImplementedException();

    /// <summary>Runs one gossip round. Called by the scheduler, or by a simulation.</summary>
    public void Tick() => throw new NotImplementedException();

    /// <inheritdoc />
    public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() => throw new NotImplementedException();
}
