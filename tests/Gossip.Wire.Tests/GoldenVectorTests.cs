namespace Gossip.Wire.Tests;

/// <summary>
/// Golden byte vectors: the exact bytes of every message type. They freeze the wire format (docs/wire-format.md
/// shows the same hex); a change here is a protocol change and needs a new protocol version.
/// </summary>
public sealed class GoldenVectorTests
{
    private static string Hex(GossipWriter writer) => Convert.ToHexString(writer.Written).ToLowerInvariant();

    private static string Encode<T>(T message, WriteFn<T> write)
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new GossipWriter(buffer);
        Assert.True(write(message, ref writer));
        return Hex(writer);
    }

    private delegate bool WriteFn<T>(T message, ref GossipWriter writer);

    [Fact]
    public void Ping_Golden() => Assert.Equal("ac02" + "e807", Encode(Samples.Ping, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void Ack_Golden() => Assert.Equal("ac02" + "e907" + "ddccbbaa" + "44332211", Encode(Samples.Ack, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void RelayedAck_Golden() => Assert.Equal("ac02" + "8877665544332211" + "e907", Encode(Samples.RelayedAck, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void Nack_Golden() => Assert.Equal("ac02" + "8877665544332211", Encode(Samples.Nack, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void PingReq_Golden() => Assert.Equal("079900000000000000047f0000010a1f", Encode(Samples.PingReq, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void DigestEntry_Golden() => Assert.Equal("420000000000000080e2cfaa0601b96011", Encode(Samples.Digest, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void NodeStateHeader_Golden() =>
        Assert.Equal("420000000000000080e2cfaa0600b9600006fd0000000000000000000000000000010b1f", Encode(Samples.StateHeader, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void MembershipEvent_Golden() =>
        Assert.Equal("04420000000000000080e2cfaa0603430000000000000004" + "7f0000010a1f", Encode(Samples.Event, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void AggregateShare_Golden() =>
        Assert.Equal("050000000000002540000000000000e03f000000000000d03f000000000000c03f000000000000f0bf0000000000c05840", Encode(Samples.Share, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void MerkleRange_Golden() =>
        Assert.Equal("0000000000000000ffffffffffffffff008001efbeadde00000000", Encode(Samples.Range, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void RumorPull_Golden() => Assert.Equal("0f0f0f0f0f0f0f0ff80a", Encode(Samples.Pull, static (m, ref w) => m.TryWrite(ref w)));

    [Fact]
    public void Rumor_Golden()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new GossipWriter(buffer);
        Assert.True(new Rumor(Samples.Sender, 3, 9, "hi"u8).TryWrite(ref writer));
        Assert.Equal("0807060504030201" + "03000000" + "09" + "02" + "6869", Hex(writer));
    }

    [Fact]
    public void KeyValueEntry_Golden_AndTombstone()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new GossipWriter(buffer);
        Assert.True(new KeyValueEntry("k"u8, "v"u8, 17, deleted: false).TryWrite(ref writer));
        Assert.True(new KeyValueEntry("k"u8, default, 18, deleted: true).TryWrite(ref writer));
        Assert.Equal("1100016b0176" + "1201016b00", Hex(writer));
    }

    [Fact]
    public void DigestAck_Golden()
    {
        Span<byte> buffer = stackalloc byte[128];
        int length = Samples.WriteDigestAck(buffer);
        Assert.Equal(
            "0100" + "420000000000000080e2cfaa0601b96011" + "0100" + "420000000000000080e2cfaa0600b9600006fd0000000000000000000000000000010b1f" + "0100" + "1100016b0176",
            Convert.ToHexString(buffer[..length]).ToLowerInvariant());
    }

    [Fact]
    public void SealedPlainFrame_Golden_IsTheDocsWorkedExample()
    {
        var codec = new FrameCodec(clusterId: 1);
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(Samples.Ping.TryWrite(ref writer));
        int length = codec.Seal(frame, MessageType.Ping, FrameFlags.None, Samples.Sender, generation: 1_700_000_000, Samples.Receiver, writer.Position);
        Assert.Equal(
            "4750" + "05" + "01" + "00" + "00" + "01000000" + "0807060504030201" + "00f15365" + "ac02e807" + "27e856d7",
            Convert.ToHexString(frame.AsSpan(0, length)).ToLowerInvariant());
    }

    [Fact]
    public void CompoundBody_Golden()
    {
        Span<byte> buffer = stackalloc byte[256];
        int length = Samples.WriteCompound(buffer);
        Assert.Equal(
            "01" + "0400" + "ac02e807"
            + "08" + "2000" + "0100" + "04420000000000000080e2cfaa0603430000000000000004" + "7f0000010a1f"
            + "07" + "1200" + "0100" + "0807060504030201" + "03000000" + "09" + "02" + "6869",
            Convert.ToHexString(buffer[..length]).ToLowerInvariant());
    }
}
