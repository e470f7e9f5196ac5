namespace Gossip.Wire.Tests;

public sealed class VarIntTests
{
    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(16_383UL, 2)]
    [InlineData(16_384UL, 3)]
    [InlineData(ulong.MaxValue, 10)]
    public void SizeOf_MatchesEncodedLength(ulong value, int expected)
    {
        Span<byte> buffer = stackalloc byte[16];
        var writer = new GossipWriter(buffer);
        Assert.True(writer.TryWriteVarUInt(value));
        Assert.Equal(expected, writer.Position);
        Assert.Equal(expected, VarInt.SizeOf(value));
        var reader = new GossipReader(writer.Written);
        Assert.Equal(WireStatus.Ok, reader.TryReadVarUInt(out ulong back));
        Assert.Equal(value, back);
    }
}
