namespace Gossip.Wire;

/// <summary>
/// Iterates the sections of a frame body. For a <see cref="MessageType.Compound"/> frame each section is
/// <c>[type:u8][length:u16][payload]</c>; any other frame type is one section whose payload is the whole body.
/// </summary>
public ref struct SectionReader
{
    private GossipReader _reader;
    private readonly ReadOnlySpan<byte> _single;
    private readonly MessageType _singleType;
    private readonly int _maxSections;
    private int _read;

    /// <summary>Creates a reader for the body of a frame of type <paramref name="frameType"/>.</summary>
    public SectionReader(MessageType frameType, ReadOnlySpan<byte> body, WireLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _reader = new GossipReader(frameType == MessageType.Compound ? body : default);
        _single = frameType == MessageType.Compound ? default : body;
        _singleType = frameType;
        _maxSections = frameType == MessageType.Compound ? limits.MaxSections : 1;
        _read = 0;
    }

    /// <summary>
    /// Reads the next section. Returns <see cref="WireStatus.Ok"/> with a section, <see cref="WireStatus.Truncated"/> with
    /// <paramref name="done"/> set when the body is exhausted cleanly, or an error status for a malformed body.
    /// </summary>
    public WireStatus TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done)
    {
        type = default;
        payload = default;
        done = false;
        if (_singleType != MessageType.Compound)
        {
            done = _read++ > 0;
            type = _singleType;
            payload = _single;
            return done ? WireStatus.Truncated : WireStatus.Ok;
        }

        if (_reader.End)
        {
            done = true;
            return WireStatus.Truncated;
        }

        if (_read++ >= _maxSections)
        {
            return WireStatus.LimitExceeded;
        }

        WireStatus status;
        if ((status = _reader.TryReadByte(out byte rawType)) != WireStatus.Ok
            || (status = _reader.TryReadUInt16(out ushort length)) != WireStatus.Ok)
        {
            return status;
        }

        if (!MessageTypes.IsDefined(rawType) || rawType == (byte)MessageType.Compound || length == 0)
        {
            return WireStatus.Malformed;
        }

        type = (MessageType)rawType;
        return _reader.TryReadRaw(length, out payload);
    }
}
