using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Benchmarks.Engine;

/// <summary>A transport that sends nowhere and keeps a copy of the last frame sent, to replay it into another node.</summary>
public sealed class CapturingTransport(WireAddress address) : ITransport
{
    private readonly byte[] _last = new byte[1 << 20];

    public WireAddress LocalAddress { get; } = address;

    public int MaxDatagramBytes => 1_400;

    public int MaxLargeFrameBytes => 0;

    public TransportCounters Counters { get; } = new();

    public int LastLength { get; private set; }

    public Span<byte> Last => _last.AsSpan(0, LastLength);

    public void Start(IFrameReceiver receiver)
    {
    }

    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        frame.CopyTo(_last);
        LastLength = frame.Length;
        Counters.OnDatagramSent(frame.Length);
        return true;
    }

    public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame) => false;

    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame) => false;

    public void Dispose()
    {
    }
}
