using System.IO.Hashing;

namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// The hashes of the replicated map: a key's 64-bit hash places it in the tree (its top 4k bits name its node at level
/// k), and an entry's hash (key, value, stamp, origin, tombstone) is what the tree XORs together. Fixed seeds: every
/// node must compute the same values.
/// </summary>
internal static class EntryHash
{
    private const long KeySeed = 0x5EED_C0DE;
    private const long EntrySeed = 0x7A3E_11D5;

    public static ulong OfKey(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(key, KeySeed);

    /// <summary>The hash of one entry; never 0, so a non-empty subtree never hashes like an empty one by construction of a single entry.</summary>
    public static ulong OfEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong stamp, ulong origin, bool deleted)
    {
        ulong h = XxHash64.HashToUInt64(key, EntrySeed) ^ Mix(XxHash64.HashToUInt64(value, EntrySeed + 1));
        h ^= Mix(stamp ^ 0x9E37_79B9_7F4A_7C15UL);
        h ^= Mix(origin + 0xD1B5_4A32_D192_ED03UL);
        h = Mix(h ^ (deleted ? 0xA5A5_A5A5_A5A5_A5A5UL : 0));
        return h == 0 ? 1 : h;
    }

    /// <summary>SplitMix64's finalizer.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
