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

    /// <summary>
    /// Asked by a stream transport when a frame's length prefix and its first bytes (<paramref name="head"/>: the frame
    /// header, or the whole frame when shorter) have arrived, before the rest of the frame is buffered: false cuts the
    /// connection, so a peer that announces a frame of another cluster, version or size costs no more than its header.
    /// Called from transport threads; must not throw or block. The default accepts every frame.
    /// </summary>
    bool AcceptsStreamFrame(WireAddress source, ReadOnlySpan<byte> head, int frameLength) => true;
}
