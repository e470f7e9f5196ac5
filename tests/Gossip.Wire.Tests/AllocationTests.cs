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
