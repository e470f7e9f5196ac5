using System.Numerics;

namespace Gossip.Wire;

/// <summary>LEB128 varint arithmetic shared by the reader and the writer.</summary>
public static class VarInt
{
    /// <summary>Largest encoded size of a 64-bit varint.</summary>
    public const int MaxBytes = 10;

    /// <summary>Encoded size of <paramref name="value"/> in bytes.</summary>
    public static int SizeOf(ulong value) => (64 - BitOperations.LeadingZeroCount(value | 1) + 6) / 7;
}
