using System.Text;
using CsCheck;

namespace Gossip.Wire.Tests;

/// <summary>Property-based round trips: any value written is read back equal, including extremes and maximum sizes.</summary>
public sealed class RoundTripPropertyTests
{
    private static readonly Gen<ulong> Varints = Gen.OneOf(Gen.ULong, Gen.ULong[0, 300], Gen.Const(ulong.MaxValue), Gen.Const(127UL), Gen.Const(128UL));
    private static readonly Gen<uint> Varints32 = Gen.OneOf(Gen.UInt, Gen.UInt[0, 300], Gen.Const(uint.MaxValue));
    private static readonly Gen<NodeId> Ids = Gen.ULong[1, ulong.MaxValue].Select(v => new NodeId(v));
    private static readonly Gen<WireAddress> Addresses = Gen.OneOf(
        Gen.Select(Gen.Byte.Array[4], Gen.UShort, (b, p) => WireAddress.FromBytes(b, p)),
        Gen.Select(Gen.Byte.Array[16], Gen.UShort, (b, p) => WireAddress.FromBytes(b, p)),
        Gen.Const(default(WireAddress)));

    private static T RoundTrip<T>(T value, Func<T, GossipWriterFn> write, ReadFn<T> read)
    {
        byte[] buffer = new byte[4096];
        var writer = new GossipWriter(buffer);
        Assert.True(write(value)(ref writer));
        var reader = new GossipReader(buffer.AsSpan(0, writer.Position));
        Assert.Equal(WireStatus.Ok, read(ref reader, out T back));
        Assert.True(reader.End);
        return back;
    }

    private delegate bool GossipWriterFn(ref GossipWriter writer);

    private delegate WireStatus ReadFn<T>(ref GossipReader reader, out T value);

    [Fact]
    public void VarUInt_RoundTrips() => Varints.Sample(v =>
    {
        byte[] buffer = new byte[10];
        var writer = new GossipWriter(buffer);
        Assert.True(writer.TryWriteVarUInt(v));
        Assert.Equal(VarInt.SizeOf(v), writer.Position);
        var reader = new GossipReader(buffer.AsSpan(0, writer.Position));
        Assert.Equal(WireStatus.Ok, reader.TryReadVarUInt(out ulong back));
        Assert.Equal(v, back);
    }, iter: 10_000);

    [Fact]
    public void Ping_RoundTrips() => Gen.Select(Varints32, Varints, (s, h) => new Ping(s, h))
        .Sample(p => Assert.Equal(p, RoundTrip(p, m => (ref GossipWriter w) => m.TryWrite(ref w), Ping.TryRead)), iter: 2_000);

    [Fact]
    public void Ack_RoundTrips() => Gen.Select(Varints32, Varints, Gen.UInt, Gen.UInt, (s, h, x, f) => new Ack(s, h, x, f))
        .Sample(a => Assert.Equal(a, RoundTrip(a, m => (ref GossipWriter w) => m.TryWrite(ref w), Ack.TryRead)), iter: 2_000);

    [Fact]
    public void RelayedAck_RoundTrips() => Gen.Select(Varints32, Ids, Varints, (s, t, h) => new RelayedAck(s, t, h))
        .Sample(a => Assert.Equal(a, RoundTrip(a, m => (ref GossipWriter w) => m.TryWrite(ref w), RelayedAck.TryRead)), iter: 2_000);

    [Fact]
    public void Nack_RoundTrips() => Gen.Select(Varints32, Ids, (s, t) => new Nack(s, t))
        .Sample(n => Assert.Equal(n, RoundTrip(n, m => (ref GossipWriter w) => m.TryWrite(ref w), Nack.TryRead)), iter: 2_000);

    [Fact]
    public void PingReq_RoundTrips() => Gen.Select(Varints32, Ids, Addresses, (s, t, a) => new PingReq(s, t, a))
        .Sample(r => Assert.Equal(r, RoundTrip(r, m => (ref GossipWriter w) => m.TryWrite(ref w), PingReq.TryRead)), iter: 2_000);

    [Fact]
    public void DigestEntry_RoundTrips() => Gen.Select(Ids, Varints32, Gen.Enum<MemberStatus>(), Varints, Varints, (n, g, s, h, v) => new DigestEntry(n, g, s, h, v))
        .Sample(d => Assert.Equal(d, RoundTrip(d, m => (ref GossipWriter w) => m.TryWrite(ref w), DigestEntry.TryRead)), iter: 2_000);

    [Fact]
    public void NodeStateHeader_RoundTrips() => Gen.Select(Ids, Varints32, Gen.Enum<MemberStatus>(), Varints, Addresses, (n, g, s, h, a) => new NodeStateHeader(n, g, s, h, a))
        .Sample(d => Assert.Equal(d, RoundTrip(d, m => (ref GossipWriter w) => m.TryWrite(ref w), NodeStateHeader.TryRead)), iter: 2_000);

    [Fact]
    public void MembershipEvent_RoundTrips() => Gen.Select(Gen.Int[1, 5], Ids, Varints32, Varints32, Gen.ULong, Addresses, (k, n, g, i, r, a) => new MembershipEvent((MembershipEventKind)k, n, g, i, new NodeId(r), a))
        .Sample(e => Assert.Equal(e, RoundTrip(e, m => (ref GossipWriter w) => m.TryWrite(ref w), MembershipEvent.TryRead)), iter: 2_000);

    [Fact]
    public void AggregateShare_RoundTrips() => Gen.Select(Varints32, Gen.Double[-1e300, 1e300], Gen.Double[0, 1e300], Gen.Double[0, 1e300], Gen.Double[0, 1e300], Gen.Double[-1e300, 1e300], Gen.Double[-1e300, 1e300], (e, a, b, c, d, f, g) => new AggregateShare(e, a, b, c, d, f, g))
        .Sample(s => Assert.Equal(s, RoundTrip(s, m => (ref GossipWriter w) => m.TryWrite(ref w), AggregateShare.TryRead)), iter: 2_000);

    [Fact]
    public void MerkleRange_RoundTrips() => Gen.Select(Gen.ULong, Gen.ULong, Gen.Byte[0, 32], Varints32, Gen.ULong, (a, b, d, c, h) => new MerkleRange(Math.Min(a, b), Math.Max(a, b), d, c, h))
        .Sample(r => Assert.Equal(r, RoundTrip(r, m => (ref GossipWriter w) => m.TryWrite(ref w), (ref GossipReader rd, out MerkleRange v) => MerkleRange.TryRead(ref rd, WireLimits.Datagram, out v))), iter: 2_000);

    // Keys are UTF-8 (the reader refuses others): any string, encoded, up to the 255-byte key limit.
    private static readonly Gen<byte[]> Utf8Keys = Gen.String[1, 85].Select(Encoding.UTF8.GetBytes).Where(k => k.Length is > 0 and <= 255);

    [Fact]
    public void KeyValueEntry_RoundTrips_UpToMaximumSizes() => Gen.Select(Utf8Keys, Gen.Byte.Array[0, 1024], Gen.ULong[1, ulong.MaxValue], (k, v, ver) => (k, v, ver))
        .Sample(t =>
        {
            byte[] buffer = new byte[4096];
            var writer = new GossipWriter(buffer);
            Assert.True(new KeyValueEntry(t.k, t.v, t.ver, deleted: false).TryWrite(ref writer));
            var reader = new GossipReader(buffer.AsSpan(0, writer.Position));
            Assert.Equal(WireStatus.Ok, KeyValueEntry.TryRead(ref reader, WireLimits.Datagram, out KeyValueEntry back));
            Assert.Equal(t.k, back.Key.ToArray());
            Assert.Equal(t.v, back.Value.ToArray());
            Assert.Equal(t.ver, back.Version);
            Assert.True(reader.End);
        }, iter: 1_000);

    [Fact]
    public void RumorBatch_FilledToTheFrameCap_RoundTrips() => Gen.Byte.Array[0, 200].Array[1, 64].Sample(payloads =>
    {
        var codec = new FrameCodec(3);
        byte[] frame = new byte[WireLimits.Datagram.MaxFrameBytes];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        int written = 0;
        foreach (byte[] payload in payloads)
        {
            if (!new Rumor(new NodeId(5), 7, (uint)written, payload).TryWrite(ref writer))
            {
                break; // full: the rest waits for the next frame
            }

            list.Add();
            written++;
        }

        list.End(ref writer);
        int length = codec.Seal(frame, MessageType.Rumors, FrameFlags.None, new NodeId(1), 1, new NodeId(2), writer.Position);
        Assert.InRange(length, 1, WireLimits.Datagram.MaxFrameBytes);
        Assert.Equal(WireStatus.Ok, codec.Open(frame.AsSpan(0, length), out _, out ReadOnlySpan<byte> body));
        Assert.Equal(WireStatus.Ok, BodyValidator.Validate(MessageType.Rumors, body, WireLimits.Datagram));
        var reader = new GossipReader(body);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(1024, out int count));
        Assert.Equal(written, count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, Rumor.TryRead(ref reader, WireLimits.Datagram, out Rumor rumor));
            Assert.Equal(payloads[i], rumor.Payload.ToArray());
        }
    }, iter: 300);
}
