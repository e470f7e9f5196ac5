namespace Gossip.Wire.Tests;

/// <summary>Hostile bytes: every input decodes to a status, never an exception, never a read out of range.</summary>
public sealed class HostileInputTests
{
    private const uint Cluster = 1;

    [Fact]
    public void OneMillionRandomAndMutatedFrames_DecodeToAStatus_WithoutException()
    {
        var random = new Random(20261124);
        var codec = new FrameCodec(Cluster);
        byte[][] valid = ValidFrames(codec);
        byte[] work = new byte[2_048];
        var seen = new HashSet<WireStatus>();
        for (int i = 0; i < 1_000_000; i++)
        {
            byte[] source = valid[i % valid.Length];
            int length;
            switch (i % 5)
            {
                case 0: // random bytes
                    length = random.Next(0, 1_500);
                    random.NextBytes(work.AsSpan(0, length));
                    break;
                case 1: // bit flips
                    length = source.Length;
                    source.CopyTo(work, 0);
                    for (int f = random.Next(1, 4); f > 0; f--)
                    {
                        work[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 2: // truncation
                    length = random.Next(0, source.Length);
                    source.AsSpan(0, length).CopyTo(work);
                    break;
                case 3: // a body byte set to an extreme (length and count fields live there)
                    length = source.Length;
                    source.CopyTo(work, 0);
                    work[FrameHeader.Size + random.Next(Math.Max(1, length - FrameHeader.Size - 4))] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => 0x80 };
                    break;
                default: // mutated body with a recomputed (valid) checksum, so the body parsers get the hostile bytes
                    length = source.Length;
                    source.CopyTo(work, 0);
                    work[FrameHeader.Size + random.Next(Math.Max(1, length - FrameHeader.Size - 4))] = (byte)random.Next(256);
                    Reseal(codec, work, length);
                    break;
            }

            seen.Add(Decode(codec, work.AsSpan(0, length)));
        }

        // The run must have exercised the interesting outcomes, not just one.
        Assert.Contains(WireStatus.Ok, seen);
        Assert.Contains(WireStatus.BadMagic, seen);
        Assert.Contains(WireStatus.Truncated, seen);
        Assert.Contains(WireStatus.BadChecksum, seen);
        Assert.Contains(WireStatus.Malformed, seen);
    }

    [Fact]
    public void EveryTruncatedPrefix_OfEveryValidFrame_IsRejected()
    {
        var codec = new FrameCodec(Cluster);
        foreach (byte[] frame in ValidFrames(codec))
        {
            for (int length = 0; length < frame.Length; length++)
            {
                byte[] prefix = frame[..length];
                Assert.NotEqual(WireStatus.Ok, Decode(codec, prefix));
            }

            Assert.Equal(WireStatus.Ok, Decode(codec, (byte[])frame.Clone()));
        }
    }

    [Fact]
    public void ExtremeCountsAndLengths_AreLimitExceededOrTruncated_NotReadBeyondTheInput()
    {
        WireLimits limits = WireLimits.Datagram;
        Span<byte> body = [0xFF, 0xFF]; // list count 65,535
        Assert.Equal(WireStatus.LimitExceeded, BodyValidator.ValidateSection(MessageType.Rumors, body, limits));
        body = [0x01, 0x00]; // count 1, no item
        Assert.Equal(WireStatus.Truncated, BodyValidator.ValidateSection(MessageType.Rumors, body, limits));

        // A rumor whose payload length is a 10-byte varint of 2^63.
        byte[] rumor = [0x01, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        Assert.Equal(WireStatus.LimitExceeded, BodyValidator.ValidateSection(MessageType.Rumors, rumor, limits));

        // Overlong varint (11 bytes) and overflow in the 10th byte.
        var reader = new GossipReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        Assert.Equal(WireStatus.Malformed, reader.TryReadVarUInt(out _));
        reader = new GossipReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]);
        Assert.Equal(WireStatus.Malformed, reader.TryReadVarUInt(out _));
    }

    [Fact]
    public void KeyValueEntry_KeyNotValidUtf8_IsMalformed()
    {
        byte[] entry = new byte[64];
        var writer = new GossipWriter(entry);
        Assert.True(new KeyValueEntry([0x6B, 0xC3, 0x28], "v"u8, 1, false).TryWrite(ref writer)); // 0xC3 0x28: a broken two-byte sequence
        var reader = new GossipReader(entry.AsSpan(0, writer.Position));

        Assert.Equal(WireStatus.Malformed, KeyValueEntry.TryRead(ref reader, WireLimits.Datagram, out _));
    }

    [Fact]
    public void LimitsAreEnforced()
    {
        var codec = new FrameCodec(Cluster);
        Assert.Equal(WireStatus.LimitExceeded, codec.Open(Frame(codec, MessageType.Ping, 2_000), out _, out _));

        WireLimits small = WireLimits.Datagram with { MaxKeyBytes = 4, MaxValueBytes = 4 };
        byte[] entry = new byte[64];
        var writer = new GossipWriter(entry);
        Assert.True(new KeyValueEntry("toolong"u8, "v"u8, 1, false).TryWrite(ref writer));
        var reader = new GossipReader(entry.AsSpan(0, writer.Position));
        Assert.Equal(WireStatus.LimitExceeded, KeyValueEntry.TryRead(ref reader, small, out _));

        Assert.Equal(WireStatus.Malformed, BodyValidator.Validate(MessageType.Compound, [0x7F, 0x01, 0x00, 0x00], WireLimits.Datagram)); // unknown section type 127 (17 and 18 are the replicated-data messages now)
        Assert.Equal(WireStatus.Malformed, BodyValidator.ValidateSection(MessageType.RumorPull, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0xAA], WireLimits.Datagram)); // trailing byte
    }

    [Fact]
    public void WrongCluster_BadMagic_UnsupportedVersion_AreTyped()
    {
        var codec = new FrameCodec(Cluster);
        byte[] frame = Frame(codec, MessageType.Ping, 40);
        Assert.Equal(WireStatus.WrongCluster, new FrameCodec(2).Open((byte[])frame.Clone(), out _, out _));
        byte[] magic = (byte[])frame.Clone();
        magic[0] = 0;
        Assert.Equal(WireStatus.BadMagic, codec.Open(magic, out _, out _));
        byte[] version = (byte[])frame.Clone();
        version[2] = 9;
        Assert.Equal(WireStatus.UnsupportedVersion, codec.Open(version, out _, out _));
    }

    internal static byte[][] ValidFrames(FrameCodec codec)
    {
        var frames = new List<byte[]>();
        byte[] buffer = new byte[1_400];
        Span<byte> body = codec.BodySpan(buffer);
        int length = Samples.WriteCompound(body);
        frames.Add(buffer[..codec.Seal(buffer, MessageType.Compound, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, length)]);
        length = Samples.WriteDigestAck(codec.BodySpan(buffer));
        frames.Add(buffer[..codec.Seal(buffer, MessageType.DigestAck, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, length)]);
        var writer = new GossipWriter(codec.BodySpan(buffer));
        Samples.Share.TryWrite(ref writer);
        frames.Add(buffer[..codec.Seal(buffer, MessageType.Aggregation, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, writer.Position)]);
        writer = new GossipWriter(codec.BodySpan(buffer));
        ListWriter.TryBegin(ref writer, out ListWriter ranges);
        Samples.Range.TryWrite(ref writer);
        ranges.Add();
        ranges.End(ref writer);
        frames.Add(buffer[..codec.Seal(buffer, MessageType.MerkleRanges, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, writer.Position)]);
        return [.. frames];
    }

    private static WireStatus Decode(FrameCodec codec, Span<byte> frame)
    {
        WireStatus status = codec.Open(frame, out FrameHeader header, out ReadOnlySpan<byte> body);
        return status == WireStatus.Ok ? BodyValidator.Validate(header.Type, body, codec.Limits) : status;
    }

    private static void Reseal(FrameCodec codec, byte[] frame, int length)
    {
        if (length < FrameHeader.Size + 4 || codec.ReadHeader(frame.AsSpan(0, length), out FrameHeader header, out _) != WireStatus.Ok)
        {
            return;
        }

        codec.Seal(frame, header.Type, header.Flags, header.Sender, header.Generation, Samples.Receiver, length - FrameHeader.Size - 4);
    }

    private static byte[] Frame(FrameCodec codec, MessageType type, int bodyLength)
    {
        byte[] buffer = new byte[bodyLength + 64];
        return buffer[..codec.Seal(buffer, type, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, bodyLength)];
    }
}
