using System.Buffers;
using Gossip.Engine.Dissemination;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Dissemination;

/// <summary>The rumor buffer: accept once, XOR digest of hot rumors, one transmit spent per write, retire at zero or early when full, bounded memory of seen ids.</summary>
public sealed class RumorBufferTests
{
    private static readonly NodeId Origin = new(0xABCDEF);

    [Fact]
    public void TryAdd_IdSeenBefore_IsRejected()
    {
        var buffer = new RumorBuffer(8);

        Assert.True(buffer.TryAdd(Id(1), [1], transmits: 3));
        Assert.False(buffer.TryAdd(Id(1), [2], transmits: 3));

        Assert.Equal(1, buffer.HotCount);
        Assert.True(buffer.HasSeen(Id(1)));
        Assert.False(buffer.HasSeen(Id(2)));
    }

    [Fact]
    public void TryAdd_IdOfARetiredRumor_IsStillRejected()
    {
        var buffer = new RumorBuffer(8);
        buffer.TryAdd(Id(1), [1], transmits: 1);
        Write(buffer);
        Assert.Equal(0, buffer.HotCount);

        Assert.False(buffer.TryAdd(Id(1), [1], transmits: 1));
    }

    [Fact]
    public void HotDigest_AsRumorsComeAndRetire_IsXorOfHotIds()
    {
        var buffer = new RumorBuffer(8);
        Assert.Equal(0UL, buffer.HotDigest);

        buffer.TryAdd(Id(1), [1], transmits: 1);
        buffer.TryAdd(Id(2), [2], transmits: 2);
        buffer.TryAdd(Id(3), [3], transmits: 2);
        Assert.Equal(Id(1).Hash ^ Id(2).Hash ^ Id(3).Hash, buffer.HotDigest);

        Write(buffer); // rumor 1 spends its last transmit
        Assert.Equal(Id(2).Hash ^ Id(3).Hash, buffer.HotDigest);

        Write(buffer);
        Assert.Equal(0UL, buffer.HotDigest);
    }

    [Fact]
    public void WriteHot_EachWrite_SpendsOneTransmitAndRetiresTheRumorAtZero()
    {
        var buffer = new RumorBuffer(8);
        buffer.TryAdd(Id(1), [9, 8, 7], transmits: 3);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1, buffer.HotCount);
            List<(RumorId Id, byte[] Payload)> written = Write(buffer);
            (RumorId id, byte[] payload) = Assert.Single(written);
            Assert.Equal(Id(1), id);
            Assert.Equal(new byte[] { 9, 8, 7 }, payload);
        }

        Assert.Equal(0, buffer.HotCount);
        Assert.Empty(Write(buffer));
    }

    [Fact]
    public void WriteHot_FewerItemsThanHot_TakesTurnsSoEveryRumorIsWritten()
    {
        var buffer = new RumorBuffer(8);
        for (uint s = 1; s <= 3; s++)
        {
            buffer.TryAdd(Id(s), [(byte)s], transmits: 10);
        }

        var seen = new List<uint>();
        for (int i = 0; i < 3; i++)
        {
            seen.Add(Assert.Single(Write(buffer, maxItems: 1)).Id.Sequence);
        }

        Assert.Equal(new uint[] { 1, 2, 3 }, seen.Order());
    }

    [Fact]
    public void WriteHot_RetiringARumor_ReturnsItsPayloadArrayToThePool()
    {
        // ArrayPool.Shared hands a returned array back to the next Rent of its size on the same thread: rent one
        // and return it so the buffer's Rent gets exactly it, then see that it comes back after the rumor retires.
        const int Size = 3_000; // a bucket nothing else here uses
        byte[] pooled = ArrayPool<byte>.Shared.Rent(Size);
        ArrayPool<byte>.Shared.Return(pooled);
        var buffer = new RumorBuffer(8);
        buffer.TryAdd(Id(1), new byte[Size], transmits: 1);

        Write(buffer, bufferBytes: 8_192);
        byte[] again = ArrayPool<byte>.Shared.Rent(Size);
        ArrayPool<byte>.Shared.Return(again);

        Assert.Equal(0, buffer.HotCount);
        Assert.Same(pooled, again);
    }

    [Fact]
    public void TryAdd_WhenFull_RetiresTheRumorWithLeastBudgetAndCountsIt()
    {
        var buffer = new RumorBuffer(3);
        buffer.TryAdd(Id(1), [1], transmits: 5);
        buffer.TryAdd(Id(2), [2], transmits: 1);
        buffer.TryAdd(Id(3), [3], transmits: 5);

        Assert.True(buffer.TryAdd(Id(4), [4], transmits: 5));

        Assert.Equal(1, buffer.RetiredEarly);
        Assert.Equal(3, buffer.HotCount);
        Assert.Equal(Id(1).Hash ^ Id(3).Hash ^ Id(4).Hash, buffer.HotDigest);
        Assert.Equal(new uint[] { 1, 3, 4 }, Write(buffer).Select(r => r.Id.Sequence).Order());
    }

    [Fact]
    public void TryAdd_BeyondSeenMemory_ForgetsTheOldestId()
    {
        // Capacity 8 remembers 32 ids; the 33rd pushes out the first.
        var buffer = new RumorBuffer(8);
        for (uint s = 1; s <= 32; s++)
        {
            buffer.TryAdd(Id(s), [1], transmits: 1);
        }

        Assert.True(buffer.HasSeen(Id(1)));

        buffer.TryAdd(Id(33), [1], transmits: 1);

        Assert.False(buffer.HasSeen(Id(1)));
        for (uint s = 2; s <= 33; s++)
        {
            Assert.True(buffer.HasSeen(Id(s)), $"rumor {s} forgotten too early");
        }

        Assert.True(buffer.TryAdd(Id(1), [1], transmits: 1));
    }

    private static RumorId Id(uint sequence) => new(Origin, sequence);

    private static List<(RumorId Id, byte[] Payload)> Write(RumorBuffer buffer, int maxItems = 64, int bufferBytes = 1_400)
    {
        byte[] bytes = new byte[bufferBytes];
        var writer = new GossipWriter(bytes);
        int written = buffer.WriteHot(ref writer, maxItems);
        var rumors = new List<(RumorId, byte[])>();
        if (written == 0)
        {
            return rumors;
        }

        var reader = new GossipReader(writer.Written);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(maxItems, out int count));
        Assert.Equal(written, count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, Rumor.TryRead(ref reader, WireLimits.Datagram with { MaxValueBytes = 65_536 }, out Rumor rumor));
            rumors.Add((new RumorId(rumor.Origin, rumor.Sequence, rumor.Generation), rumor.Payload.ToArray()));
        }

        return rumors;
    }
}
