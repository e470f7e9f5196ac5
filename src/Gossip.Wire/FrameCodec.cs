using System.Buffers.Binary;
using System.IO.Hashing;

namespace Gossip.Wire;

/// <summary>
/// Seals bodies into frames and opens received frames: header check, cluster check, then either the
/// CRC-32 trailer (plain) or AES-GCM (when a <see cref="KeyRing"/> is configured; the associated data is the header and
/// the receiver's id, the key is derived for the sender and its generation, the nonce is the sender's frame counter).
/// Binding the receiver makes a frame captured on its way to one node fail authentication at any other, whose replay
/// window has not seen it.
/// Encrypted frames also pass a replay window per sender: a frame whose counter was already seen, or is more than
/// 1,984 counters behind the newest one of its sender, is dropped. One codec per node: <see cref="Seal"/> may be called
/// from any thread, <c>Open</c> from one thread at a time (it owns the replay windows).
/// </summary>
public sealed class FrameCodec
{
    private const int ChecksumSize = 4;

    // Flag bits a received frame may carry: Encrypted, AnyReceiver, and bit 1, which once named a reply-requested flag that
    // no sender ever set; it is still tolerated (and ignored) so that deleting the unused flag changed nothing a receiver accepts.
    private const byte AcceptedFlagBits = (byte)(FrameFlags.Encrypted | FrameFlags.AnyReceiver) | 0b10;

    private readonly KeyRing? _keys;
    private readonly SenderWindows? _windows;

    /// <summary>
    /// Creates a codec for <paramref name="clusterId"/>; with <paramref name="keys"/>, every frame is encrypted and plain
    /// frames are refused, and replay windows are kept for up to <paramref name="replaySenders"/> senders (the least
    /// recently heard is forgotten first; only senders whose frames authenticated enter). 0 keeps no windows: replayed
    /// frames are opened again (for tools that only decode captured frames).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="replaySenders"/> is negative.</exception>
    public FrameCodec(uint clusterId, KeyRing? keys = null, WireLimits? limits = null, int replaySenders = DefaultReplaySenders)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replaySenders);
        ClusterId = clusterId;
        _keys = keys;
        Limits = limits ?? WireLimits.Datagram;
        _windows = keys is not null && replaySenders > 0 ? new SenderWindows(keys, replaySenders) : null;
    }

    /// <summary>Senders whose replay windows a codec keeps unless told otherwise: 4,096 (their 256-byte bitmaps take 1 MiB, plus each sender's derived AES-GCM contexts).</summary>
    public const int DefaultReplaySenders = 4_096;

    /// <summary>Senders whose replay windows are held now (0 for plain codecs).</summary>
    public int ReplaySenders => _windows?.Count ?? 0;

    /// <summary>Forgets which counters were seen (benchmarks decode the same frames again and again); never in a node.</summary>
    internal void ForgetReplayHistoryForBenchmark() => _windows?.ForgetHistory();

    /// <summary>
    /// The id of the node this codec opens frames for: an encrypted frame opens only when it was sealed for this id, or
    /// for any receiver (<see cref="FrameFlags.AnyReceiver"/>). <see cref="NodeId.None"/> (tools) opens only the latter.
    /// </summary>
    public NodeId LocalId { get; init; }

    /// <summary>The cluster id written into and required of every frame.</summary>
    public uint ClusterId { get; }

    /// <summary>Limits applied when opening frames.</summary>
    public WireLimits Limits { get; }

    /// <summary>True when frames are sealed with AES-GCM.</summary>
    public bool Encrypted => _keys is not null;

    /// <summary>Offset of the body inside a frame buffer: write the body at <c>frame[BodyOffset..]</c>.</summary>
    public int BodyOffset => FrameHeader.Size + (_keys is null ? 0 : KeyRing.CounterSize);

    /// <summary>Bytes a frame adds around its body (header, counter, tag or checksum): 26 plain, 46 encrypted.</summary>
    public int Overhead => _keys is null ? FrameHeader.Size + ChecksumSize : FrameHeader.Size + KeyRing.CounterSize + KeyRing.TagSize;

    /// <summary>Largest body that fits a frame of <paramref name="frameCapacity"/> bytes.</summary>
    public int MaxBodyBytes(int frameCapacity) => Math.Max(0, Math.Min(frameCapacity, Limits.MaxFrameBytes) - Overhead);

    /// <summary>The span a body must be written into, inside the frame buffer <paramref name="frame"/>.</summary>
    public Span<byte> BodySpan(Span<byte> frame) => frame.Slice(BodyOffset, MaxBodyBytes(frame.Length));

    /// <summary>
    /// Writes the header around a body already written at <see cref="BodyOffset"/>, then the checksum, or encrypts the body in
    /// place for <paramref name="receiver"/> (<see cref="NodeId.None"/> when the sender does not know who answers at the
    /// destination address: the frame then carries <see cref="FrameFlags.AnyReceiver"/>, and receivers treat it as a
    /// stranger's). Plain frames name no receiver. Returns the frame length, or 0 when <paramref name="frame"/> is too small
    /// (a programmer error).
    /// </summary>
    public int Seal(Span<byte> frame, MessageType type, FrameFlags flags, NodeId sender, uint generation, NodeId receiver, int bodyLength)
    {
        int total = Overhead + bodyLength;
        if ((uint)bodyLength > (uint)frame.Length || total > frame.Length)
        {
            return 0;
        }

        flags &= ~(FrameFlags.Encrypted | FrameFlags.AnyReceiver);
        if (_keys is not null)
        {
            flags |= receiver.IsNone ? FrameFlags.Encrypted | FrameFlags.AnyReceiver : FrameFlags.Encrypted;
        }

        frame[0] = FrameHeader.Magic0;
        frame[1] = FrameHeader.Magic1;
        frame[2] = FrameHeader.CurrentVersion;
        frame[3] = (byte)type;
        frame[4] = (byte)flags;
        frame[5] = 0; // the key id: the ring writes it when it seals (it is part of the associated data)
        BinaryPrimitives.WriteUInt32LittleEndian(frame.Slice(6), ClusterId);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.Slice(10), sender.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.Slice(18), generation);

        if (_keys is null)
        {
            int checkedLength = FrameHeader.Size + bodyLength;
            BinaryPrimitives.WriteUInt32LittleEndian(frame.Slice(checkedLength), Crc32.HashToUInt32(frame[..checkedLength]));
            return total;
        }

        Span<byte> counter = frame.Slice(FrameHeader.Size, KeyRing.CounterSize);
        Span<byte> body = frame.Slice(FrameHeader.Size + KeyRing.CounterSize, bodyLength);
        Span<byte> tag = frame.Slice(FrameHeader.Size + KeyRing.CounterSize + bodyLength, KeyRing.TagSize);
        _keys.Seal(sender, generation, receiver, frame[..FrameHeader.Size], counter, body, tag);
        return total;
    }

    /// <summary>
    /// Checks and opens a received frame addressed to <see cref="LocalId"/>. On <see cref="WireStatus.Ok"/>,
    /// <paramref name="body"/> is the plaintext body (decrypted in place inside <paramref name="frame"/>). Never throws on any input.
    /// </summary>
    public WireStatus Open(Span<byte> frame, out FrameHeader header, out ReadOnlySpan<byte> body) => Open(frame, LocalId, out header, out body);

    /// <summary>
    /// Checks and opens a received frame that was sent to <paramref name="receiver"/> (tools that decode captured traffic
    /// name the node it was captured on). Never throws on any input.
    /// </summary>
    public WireStatus Open(Span<byte> frame, NodeId receiver, out FrameHeader header, out ReadOnlySpan<byte> body)
    {
        header = default;
        body = default;
        WireStatus status = ReadHeader(frame, out header, out byte keyId);
        if (status != WireStatus.Ok)
        {
            return status;
        }

        bool encrypted = (header.Flags & FrameFlags.Encrypted) != 0;
        if (encrypted != (_keys is not null))
        {
            return WireStatus.AuthenticationFailed;
        }

        bool anyReceiver = (header.Flags & FrameFlags.AnyReceiver) != 0;
        if (_keys is null)
        {
            if (keyId != 0 || anyReceiver)
            {
                return WireStatus.Malformed;
            }

            int checkedLength = frame.Length - ChecksumSize;
            if (checkedLength < FrameHeader.Size)
            {
                return WireStatus.Truncated;
            }

            uint expected = BinaryPrimitives.ReadUInt32LittleEndian(frame.Slice(checkedLength));
            if (Crc32.HashToUInt32(frame[..checkedLength]) != expected)
            {
                return WireStatus.BadChecksum;
            }

            body = frame[FrameHeader.Size..checkedLength];
            return WireStatus.Ok;
        }

        int bodyLength = frame.Length - FrameHeader.Size - KeyRing.CounterSize - KeyRing.TagSize;
        if (bodyLength < 0)
        {
            return WireStatus.Truncated;
        }

        ulong counter = BinaryPrimitives.ReadUInt64LittleEndian(frame.Slice(FrameHeader.Size));
        Span<byte> cipher = frame.Slice(FrameHeader.Size + KeyRing.CounterSize, bodyLength);
        Span<byte> associated = stackalloc byte[FrameHeader.AssociatedDataSize];
        KeyRing.WriteAssociatedData(associated, frame, anyReceiver ? NodeId.None : receiver);
        ReadOnlySpan<byte> tag = frame.Slice(frame.Length - KeyRing.TagSize);
        status = _windows is not null
            ? _windows.Open(keyId, header.Sender, header.Generation, counter, associated, cipher, tag)
            : SenderWindows.OpenOnce(_keys, keyId, header.Sender, header.Generation, counter, associated, cipher, tag);
        if (status != WireStatus.Ok)
        {
            return status;
        }

        body = cipher;
        return WireStatus.Ok;
    }

    /// <summary>Reads and checks only the header (magic, version, type, size limit, cluster) without verifying the trailer.</summary>
    public WireStatus ReadHeader(ReadOnlySpan<byte> frame, out FrameHeader header, out byte keyId)
    {
        header = default;
        keyId = 0;
        if (frame.Length < 2)
        {
            return WireStatus.Truncated;
        }

        if (frame[0] != FrameHeader.Magic0 || frame[1] != FrameHeader.Magic1)
        {
            return WireStatus.BadMagic;
        }

        if (frame.Length < 3)
        {
            return WireStatus.Truncated;
        }

        if (frame[2] != FrameHeader.CurrentVersion)
        {
            return WireStatus.UnsupportedVersion;
        }

        if (frame.Length > Limits.MaxFrameBytes)
        {
            return WireStatus.LimitExceeded;
        }

        if (frame.Length < FrameHeader.Size)
        {
            return WireStatus.Truncated;
        }

        byte type = frame[3];
        byte flags = frame[4];
        if (!MessageTypes.IsDefined(type) || (flags & ~AcceptedFlagBits) != 0)
        {
            return WireStatus.Malformed;
        }

        uint cluster = BinaryPrimitives.ReadUInt32LittleEndian(frame.Slice(6));
        if (cluster != ClusterId)
        {
            return WireStatus.WrongCluster;
        }

        keyId = frame[5];
        header = new FrameHeader(
            (MessageType)type,
            (FrameFlags)flags,
            cluster,
            new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(frame.Slice(10))),
            BinaryPrimitives.ReadUInt32LittleEndian(frame.Slice(18)));
        return WireStatus.Ok;
    }
}
