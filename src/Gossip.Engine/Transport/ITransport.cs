using Gossip.Wire;

namespace Gossip.Engine.Transport;

/// <summary>
/// The seam between a node and the network. Three implementations: UDP sockets (with TCP streams for large
/// frames), and the in-memory simulated network. A transport carries whole frames; it never parses them.
/// </summary>
/// <remarks>
/// Threading: <see cref="Send"/> and <see cref="SendLarge"/> may be called from the node's executor at any time and
/// must not block on the network; the frame span is only valid during the call (copy it if you defer).
/// The receiver is called from the transport's own thread(s); its span is valid only during the call.
/// </remarks>
public interface ITransport : IDisposable
{
    /// <summary>The address other nodes should send to (the advertised address, which may differ from the bind address).</summary>
    WireAddress LocalAddress { get; }

    /// <summary>Largest frame <see cref="Send"/> accepts.</summary>
    int MaxDatagramBytes { get; }

    /// <summary>Largest frame <see cref="SendLarge"/> accepts; 0 when this transport has no stream channel.</summary>
    int MaxLargeFrameBytes { get; }

    /// <summary>Traffic counters of this transport.</summary>
    TransportCounters Counters { get; }

    /// <summary>Starts delivering received frames to <paramref name="receiver"/>. Called once.</summary>
    void Start(IFrameReceiver receiver);

    /// <summary>Sends one datagram. Returns false when it was dropped locally (counted); loss on the way is silent.</summary>
    bool Send(WireAddress destination, ReadOnlySpan<byte> frame);

    /// <summary>
    /// Sends one frame over a reliable stream this node opens to <paramref name="destination"/> (or reuses): a request of
    /// its own that expects an answer too large for a datagram, which comes back on the same stream. Any size up to
    /// <see cref="MaxLargeFrameBytes"/>. Returns false when not supported or dropped.
    /// </summary>
    bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame);

    /// <summary>
    /// Sends an answer back on the stream a frame from <paramref name="streamSource"/> came on (the source
    /// <see cref="IFrameReceiver.OnFrame"/> was given with <c>viaStream</c> true), never opening one: the requester
    /// opened that stream, so its address is proven and the answer cannot be aimed elsewhere. Returns false (counted
    /// as a send drop) when that stream is closed, its queue is full, or the transport has none.
    /// </summary>
    bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame);

    /// <summary>
    /// True when frames have arrived that the receiver has not been handed yet (datagrams waiting in the socket's
    /// receive buffer): the node is behind on its input, and an ack or refutation it is about to give up on may be
    /// among them. Read only before a failure-detection verdict, so it may cost a system call. False by default.
    /// </summary>
    bool HasPendingInput => false;
}
