using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>A frame a component sent: where to, over which channel, and a copy of its bytes.</summary>
internal sealed record SentFrame(WireAddress Destination, byte[] Bytes, bool Large, bool BackOnStream = false);

/// <summary>A transport that sends nowhere and keeps a copy of every frame, for testing components alone.</summary>
internal sealed class CapturingTransport(WireAddress address, int maxLargeFrameBytes = 0) : ITransport
{
    public WireAddress LocalAddress { get; } = address;

    public int MaxDatagramBytes => 1_400;

    public int MaxLargeFrameBytes { get; } = maxLargeFrameBytes;

    public TransportCounters Counters { get; } = new();

    public List<SentFrame> Sent { get; } = [];

    public void Start(IFrameReceiver receiver)
    {
    }

    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        Sent.Add(new SentFrame(destination, frame.ToArray(), Large: false));
        return true;
    }

    public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        Sent.Add(new SentFrame(destination, frame.ToArray(), Large: true));
        return true;
    }

    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame)
    {
        Sent.Add(new SentFrame(streamSource, frame.ToArray(), Large: true, BackOnStream: true));
        return true;
    }

    public void Dispose()
    {
    }
}
