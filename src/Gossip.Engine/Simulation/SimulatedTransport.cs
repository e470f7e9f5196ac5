using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Simulation;

/// <summary>
/// A node's endpoint on a <see cref="SimulatedNetwork"/>. Sending only enqueues (it is safe to send from inside
/// <see cref="IFrameReceiver.OnFrame"/>); delivery happens when the network runs. Counts bytes and datagrams
/// exactly as a socket transport does, and keeps its stream rule: a large answer goes only back on a stream its
/// requester opened (<see cref="SendAnswer"/>).
/// </summary>
public sealed class SimulatedTransport : ITransport
{
    private readonly SimulatedNetwork _network;

    internal SimulatedTransport(SimulatedNetwork network, WireAddress address)
    {
        _network = network;
        LocalAddress = address;
    }

    /// <inheritdoc />
    public WireAddress LocalAddress { get; }

    /// <inheritdoc />
    public int MaxDatagramBytes => _network.Options.MaxDatagramBytes;

    /// <inheritdoc />
    public int MaxLargeFrameBytes => _network.Options.MaxLargeFrameBytes;

    /// <inheritdoc />
    public TransportCounters Counters { get; } = new();

    internal IFrameReceiver? Receiver { get; private set; }

    internal bool Connected { get; set; } = true;

    internal int Group { get; set; }

    internal bool Paused { get; set; }

    /// <summary>
    /// The peers this end holds a stream with, and until when (virtual ticks): one it opened (<see cref="SendLarge"/>)
    /// or one a peer opened to it, kept open by each frame sent or delivered on it for
    /// <see cref="SimulatedNetworkOptions.StreamIdleTimeout"/>.
    /// </summary>
    internal Dictionary<WireAddress, long> Streams { get; } = [];

    /// <summary>Frames that arrived while paused, in arrival order (their buffers stay in the network's pool count).</summary>
    internal Queue<SimulatedNetwork.Event> Held { get; } = new();

    /// <inheritdoc />
    public void Start(IFrameReceiver receiver) => Receiver = receiver;

    /// <inheritdoc />
    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxDatagramBytes)
        {
            Counters.OnSendDropped();
            return false;
        }

        return _network.Send(this, destination, frame, large: false);
    }

    /// <inheritdoc />
    public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxLargeFrameBytes)
        {
            Counters.OnSendDropped();
            return false;
        }

        return _network.Send(this, destination, frame, large: true);
    }

    /// <inheritdoc />
    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxLargeFrameBytes)
        {
            Counters.OnSendDropped();
            return false;
        }

        return _network.SendAnswer(this, streamSource, frame);
    }

    /// <inheritdoc />
    public void Dispose() => Connected = false;
}
