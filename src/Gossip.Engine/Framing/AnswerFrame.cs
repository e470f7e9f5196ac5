using Gossip.Wire;

namespace Gossip.Engine.Framing;

/// <summary>
/// One anti-entropy answer being built (see <see cref="FrameComposer.BeginAnswer"/>): write its Compound body into
/// <see cref="Body"/>, then <see cref="Send"/> it.
/// </summary>
internal readonly ref struct AnswerFrame
{
    private readonly FrameComposer _composer;
    private readonly int _frameBytes;
    private readonly byte[]? _large;

    public AnswerFrame(FrameComposer composer, byte[]? large, int frameBytes)
    {
        _composer = composer;
        _large = large;
        _frameBytes = frameBytes;
        Body = composer.BodyOf(large, frameBytes);
    }

    /// <summary>Where the body goes.</summary>
    public Span<byte> Body { get; }

    /// <summary>Sends the body written so far to <paramref name="receiver"/> at <paramref name="destination"/> (nothing when <paramref name="bodyLength"/> is 0).</summary>
    public void Send(WireAddress destination, NodeId receiver, int bodyLength) => _composer.SendAnswer(_large, _frameBytes, destination, receiver, bodyLength);

    /// <summary>Sends the body as a request whose answers may outgrow a datagram: over a stream this node opens, when it may (see <see cref="FrameComposer.SendRequest"/>).</summary>
    public void SendRequest(WireAddress destination, NodeId receiver, int bodyLength) => _composer.SendRequest(_large, _frameBytes, destination, receiver, bodyLength);
}
