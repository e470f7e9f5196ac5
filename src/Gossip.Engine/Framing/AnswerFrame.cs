using System.Buffers;
using Gossip.Wire;

namespace Gossip.Engine.Framing;

/// <summary>
/// One anti-entropy answer being built (see <see cref="FrameComposer.BeginAnswer"/>): write its Compound body into
/// <see cref="Body"/>, then <see cref="Send"/> it; disposing returns the pooled buffer.
/// </summary>
internal ref struct AnswerFrame
{
    private readonly FrameComposer _composer;
    private readonly int _frameBytes;
    private byte[]? _rented;

    public AnswerFrame(FrameComposer composer, byte[]? rented, int frameBytes)
    {
        _composer = composer;
        _rented = rented;
        _frameBytes = frameBytes;
        Body = composer.BodyOf(rented, frameBytes);
    }

    /// <summary>Where the body goes.</summary>
    public Span<byte> Body { get; }

    /// <summary>Sends the body written so far (nothing when <paramref name="bodyLength"/> is 0).</summary>
    public readonly void Send(WireAddress destination, int bodyLength) => _composer.SendAnswer(_rented, _frameBytes, destination, bodyLength);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
