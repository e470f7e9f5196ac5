namespace Gossip.Wire.Tests;

public sealed class AesGcmFrameTests
{
    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    private static byte[] SealPing(FrameCodec codec)
    {
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(Samples.Ping.TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, Samples.Sender, 1, Samples.Receiver, writer.Position)];
    }

    [Fact]
    public void SealedFrame_Opens_WithTheSameKey_AndReadsBack()
    {
        using var ring = new KeyRing(1, KeyA);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[] frame = SealPing(codec);
        Assert.Equal(WireStatus.Ok, codec.Open(frame, out FrameHeader header, out ReadOnlySpan<byte> body));
        Assert.True((header.Flags & FrameFlags.Encrypted) != 0);
        var reader = new GossipReader(body);
        Assert.Equal(WireStatus.Ok, Ping.TryRead(ref reader, out Ping ping));
        Assert.Equal(Samples.Ping, ping);
    }

    [Fact]
    public void WrongKey_IsAuthenticationFailed()
    {
        using var a = new KeyRing(1, KeyA);
        using var b = new KeyRing(1, KeyB);
        byte[] frame = SealPing(new FrameCodec(1, a) { LocalId = Samples.Receiver });
        Assert.Equal(WireStatus.AuthenticationFailed, new FrameCodec(1, b) { LocalId = Samples.Receiver }.Open(frame, out _, out _));
    }

    [Theory]
    [InlineData(3)] // header (associated data)
    [InlineData(25)] // counter (the nonce)
    [InlineData(32)] // ciphertext
    [InlineData(-1)] // tag
    public void TamperedByte_IsAuthenticationFailed(int offset)
    {
        using var ring = new KeyRing(1, KeyA);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        byte[] frame = SealPing(codec);
        frame[offset < 0 ? frame.Length + offset : offset] ^= 0x01;
        WireStatus status = codec.Open(frame, out _, out _);
        Assert.True(status is WireStatus.AuthenticationFailed or WireStatus.Malformed, status.ToString());
    }

    [Fact]
    public void NonceAndTagFromAFrameOfAnotherKey_AreRejected()
    {
        using var a = new KeyRing(1, KeyA);
        using var b = new KeyRing(2, KeyB);
        b.Add(1, KeyA);
        byte[] underA = SealPing(new FrameCodec(1, a) { LocalId = Samples.Receiver });
        byte[] underB = SealPing(new FrameCodec(1, b) { LocalId = Samples.Receiver }); // sealed with key 2
        int nonceAt = FrameHeader.Size;
        Array.Copy(underA, nonceAt, underB, nonceAt, KeyRing.CounterSize);
        Array.Copy(underA, underA.Length - KeyRing.TagSize, underB, underB.Length - KeyRing.TagSize, KeyRing.TagSize);
        Assert.Equal(WireStatus.AuthenticationFailed, new FrameCodec(1, b) { LocalId = Samples.Receiver }.Open(underB, out _, out _));
    }

    [Fact]
    public void UnknownKeyId_PlainWhenKeyed_AndKeyedWhenPlain_AreRejected()
    {
        using var a = new KeyRing(1, KeyA);
        using var other = new KeyRing(9, KeyA);
        Assert.Equal(WireStatus.AuthenticationFailed, new FrameCodec(1, a) { LocalId = Samples.Receiver }.Open(SealPing(new FrameCodec(1, other) { LocalId = Samples.Receiver }), out _, out _));
        Assert.Equal(WireStatus.AuthenticationFailed, new FrameCodec(1, a) { LocalId = Samples.Receiver }.Open(SealPing(new FrameCodec(1)), out _, out _));
        Assert.Equal(WireStatus.AuthenticationFailed, new FrameCodec(1).Open(SealPing(new FrameCodec(1, a) { LocalId = Samples.Receiver }), out _, out _));
    }

    [Fact]
    public void Rotation_OldKeyStillOpens_UntilRemoved()
    {
        using var sender = new KeyRing(1, KeyA);
        byte[] old = SealPing(new FrameCodec(1, sender) { LocalId = Samples.Receiver });

        using var receiver = new KeyRing(1, KeyA);
        receiver.Add(2, KeyB);
        receiver.UsePrimary(2);
        var codec = new FrameCodec(1, receiver) { LocalId = Samples.Receiver };
        Assert.Equal(WireStatus.Ok, codec.Open((byte[])old.Clone(), out _, out _));
        Assert.Equal(2, SealPing(codec)[5]); // new frames use the new primary key id

        receiver.Remove(1);
        Assert.Equal(WireStatus.AuthenticationFailed, codec.Open((byte[])old.Clone(), out _, out _));
    }

    [Fact]
    public void NoncesNeverRepeat_WithinOneRing()
    {
        using var ring = new KeyRing(1, KeyA);
        var codec = new FrameCodec(1, ring) { LocalId = Samples.Receiver };
        var nonces = new HashSet<string>();
        for (int i = 0; i < 1_000; i++)
        {
            Assert.True(nonces.Add(Convert.ToHexString(SealPing(codec).AsSpan(FrameHeader.Size, KeyRing.CounterSize))));
        }
    }
}
