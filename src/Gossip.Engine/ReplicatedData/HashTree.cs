namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// The Merkle tree over the replicated map: fan-out 16, node (k, i) covers the keys whose hash starts with the 4k bits
/// of i, and its hash is the XOR of the hashes of the entries it covers. XOR makes it independent of the order entries
/// arrived in and makes a write O(depth): the change (old entry hash XOR new) is XORed into one node per level.
/// Levels 0 to <see cref="Depth"/> are held in arrays (16^k hashes at level k); the depth grows with the entry count
/// (at most <see cref="EntriesPerLeaf"/> entries per deepest node on average, at most <see cref="MaxDepth"/> levels), and nodes below it are computed on demand from
/// the entries of their deepest held ancestor (see <see cref="EntryTable"/>).
/// </summary>
internal sealed class HashTree
{
    /// <summary>The deepest level held in arrays: 16^5 = 1,048,576 nodes (8 MiB) at a million keys.</summary>
    public const int MaxDepth = 5;

    private ulong[][] _levels;

    public HashTree(int depth)
    {
        _levels = Allocate(depth);
    }

    /// <summary>The deepest level held.</summary>
    public int Depth => _levels.Length - 1;

    /// <summary>The root hash: 0 for an empty map.</summary>
    public ulong Root => _levels[0][0];

    /// <summary>Entries per deepest held node, on average, before the tree goes one level deeper.</summary>
    public const int EntriesPerLeaf = 4;

    /// <summary>
    /// The held depth for <paramref name="count"/> entries: the smallest with <see cref="EntriesPerLeaf"/> × 16^depth at
    /// or above the count, 1 to <see cref="MaxDepth"/>. (One entry per node instead cost 208 bytes a key at 100,000 keys,
    /// a 16-fold larger tree right after a deepening; four keep it under 100 while a million keys still get depth 5.)
    /// </summary>
    public static int DepthFor(int count)
    {
        int depth = 1;
        while (depth < MaxDepth && ((long)EntriesPerLeaf << (4 * depth)) < count)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>The index at <paramref name="level"/> of the node that covers <paramref name="keyHash"/>.</summary>
    public static ulong IndexAt(ulong keyHash, int level) => level == 0 ? 0 : keyHash >> (64 - (4 * level));

    /// <summary>XORs <paramref name="delta"/> into every held node on the path of <paramref name="keyHash"/>.</summary>
    public void Apply(ulong keyHash, ulong delta)
    {
        ulong[][] levels = _levels;
        for (int level = 0; level < levels.Length; level++)
        {
            levels[level][IndexAt(keyHash, level)] ^= delta;
        }
    }

    /// <summary>The hash of a held node (level at most <see cref="Depth"/>).</summary>
    public ulong NodeHash(int level, ulong index) => _levels[level][index];

    /// <summary>Starts over at a new depth, empty (the caller applies every entry again).</summary>
    public void Reset(int depth) => _levels = Allocate(depth);

    private static ulong[][] Allocate(int depth)
    {
        ulong[][] levels = new ulong[depth + 1][];
        for (int level = 0; level <= depth; level++)
        {
            levels[level] = new ulong[1 << (4 * level)];
        }

        return levels;
    }
}
