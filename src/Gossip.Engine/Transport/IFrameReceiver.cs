using Gossip.Wire;

namespace Gossip.Engine.Transport;

/// <summary>Receives the frames a transport reads off the network.</summary>
public interface IFrameReceiver
{
    /// <summary>
    /// One frame arrived from <paramref name="source"/> (for a stream, the remote socket address, not the peer's advertised one).
    /// The span is mutable so AES-GCM can decrypt in place, and valid only during the call. Must not throw and must not block.
    /// </summary>
    void OnFrame(WireAddress source, Span<byte> frame, bool viaStream);
}
