namespace Gossip.Wire.Tests;

/// <summary>Encode and decode allocate nothing, plain or encrypted.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EncodeAndDecode_EveryMessageType_AllocatesNothing(bool encrypted)
    {
        using var ring = new KeyRing(1, new byte[32]);
        var codec = new FrameCodec(1, encrypted ? ring : null) { LocalId = Samples.Receiver };
        byte[] frame = new byte[1_400];
        int failures = 0;
        for (int i = 0; i < 100; i++)
        {
            failures += RoundTripAll(codec, frame);
        }

        // xunit's Assert allocates, so the measured loop only counts failures and asserts afterwards.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            failures += RoundTripAll(codec, frame);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void EncryptedFrames_CostEachSenderOneReplayWindowAndKey_OnceThenNothing()
    {
        // A receiver makes a replay window and derives an AES-GCM key for a sender when the sender's first frame
        // authenticates. In a 128-node cluster that is 16,256 pairs, which keep meeting for a minute or two after
        // convergence (the "allocated per round" of encrypted LoadGen runs, docs/performance.md): pin what one first
        // meeting costs, and that every later frame of a known sender costs nothing.
        const int Senders = 200;
        byte[] key = new byte[32];
        using var sendingRing = new KeyRing(1, key);
        var sending = new FrameCodec(1, sendingRing);
        using var receivingRing = new KeyRing(1, key);
        var receiving = new FrameCodec(1, receivingRing) { LocalId = Samples.Receiver };
        byte[][] first = new byte[Senders][];
        byte[][] later = new byte[Senders][];
        for (int i = 0; i < Senders; i++)
        {
            // Sealed up front: the sending ring caches keys for four senders, and deriving one allocates.
            var sender = new NodeId(1_000 + (ulong)i);
            first[i] = SealPing(sending, sender);
            later[i] = SealPing(sending, sender);
        }

        // Warm the code paths (JIT, OpenSSL's first context) on a sender outside the measured ones.
        byte[] warm = SealPing(sending, new NodeId(7));
        int failures = receiving.Open(warm, out _, out _) == WireStatus.Ok ? 0 : 1;
        failures += receiving.Open(SealPing(sending, new NodeId(7)), out _, out _) == WireStatus.Ok ? 0 : 1;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Senders; i++)
        {
            failures += receiving.Open(first[i], out _, out _) == WireStatus.Ok ? 0 : 1;
        }

        long perNewSender = (GC.GetAllocatedBytesForCurrentThread() - before) / Senders;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Senders; i++)
        {
            failures += receiving.Open(later[i], out _, out _) == WireStatus.Ok ? 0 : 1;
        }

        long afterFirst = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(Senders + 1, receiving.ReplaySenders);

        // 424 B when written: the table entry and its 2,048-bit window (360 B), AesGcm and its OpenSSL context handle (64 B).
        Assert.True(perNewSender <= 448, $"{perNewSender} B per new sender");
        Assert.Equal(0, afterFirst);
    }

    private static byte[] SealPing(FrameCodec codec, NodeId sender)
    {
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(Samples.Ping.TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, sender, 1, Samples.Receiver, writer.Position)];
    }

    private static int RoundTripAll(FrameCodec codec, byte[] frame)
    {
        int failures = 0;
        int length = Samples.WriteCompound(codec.BodySpan(frame));
        length = codec.Seal(frame, MessageType.Compound, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, length);
        failures += codec.Open(frame.AsSpan(0, length), out FrameHeader header, out ReadOnlySpan<byte> body) == WireStatus.Ok ? 0 : 1;
        failures += BodyValidator.Validate(header.Type, body, codec.Limits) == WireStatus.Ok ? 0 : 1;

        length = Samples.WriteDigestAck(codec.BodySpan(frame));
        length = codec.Seal(frame, MessageType.DigestAck, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, length);
        failures += codec.Open(frame.AsSpan(0, length), out header, out body) == WireStatus.Ok ? 0 : 1;
        failures += BodyValidator.Validate(header.Type, body, codec.Limits) == WireStatus.Ok ? 0 : 1;
        return failures;
    }
}
