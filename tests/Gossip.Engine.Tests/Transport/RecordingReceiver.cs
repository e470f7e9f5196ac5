using System.Collections.Concurrent;
using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

internal sealed class RecordingReceiver : IFrameReceiver
{
    public ConcurrentQueue<(WireAddress Source, byte[] Frame, bool ViaStream)> Frames { get; } = new();

    public bool ThrowOnFrame { get; set; }

    public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        Frames.Enqueue((source, frame.ToArray(), viaStream));
        if (ThrowOnFrame)
        {
            throw new InvalidOperationException("receiver fault (test)");
        }
    }
}
