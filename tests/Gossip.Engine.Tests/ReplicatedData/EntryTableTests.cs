using CsCheck;
using Gossip.Engine.ReplicatedData;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>The hash tree is updated in place on every write, yet equals a tree built from scratch over the same entries.</summary>
public sealed class EntryTableTests
{
    // (key, value, stamp, removed): up to 600 operations on up to 300 keys, so the tree deepens (at 64) on the way.
    private static readonly Gen<(int Key, byte Value, ulong Stamp, bool Remove)[]> Operations =
        Gen.Select(Gen.Int[0, 299], Gen.Byte, Gen.ULong[1, 1_000_000], Gen.Int[0, 9], (k, v, s, r) => (k, v, s, r == 0)).Array[0, 600];

    [Fact]
    public void Root_IsIndependentOfInsertionOrder() => Operations.Sample(operations =>
    {
        var forward = new EntryTable();
        var backward = new EntryTable();
        (int Key, byte Value, ulong Stamp, bool Remove)[] distinct = [.. operations.DistinctBy(o => o.Key)];
        foreach ((int key, byte value, ulong stamp, _) in distinct)
        {
            Put(forward, key, value, stamp, deleted: false);
        }

        for (int i = distinct.Length - 1; i >= 0; i--)
        {
            Put(backward, distinct[i].Key, distinct[i].Value, distinct[i].Stamp, deleted: false);
        }

        Assert.Equal(forward.Root, backward.Root);
        Assert.Equal(distinct.Length == 0, forward.Root == 0);
    }, iter: 200);

    [Fact]
    public void IncrementalTree_EqualsAFreshTree_AfterUpdatesAndRemovals() => Operations.Sample(operations =>
    {
        var incremental = new EntryTable();
        var final = new Dictionary<int, (byte Value, ulong Stamp, bool Deleted)>();
        foreach ((int key, byte value, ulong stamp, bool remove) in operations)
        {
            int slot = incremental.Find(Key(key), EntryHash.OfKey(Key(key)));
            if (remove && slot >= 0)
            {
                incremental.Remove(slot);
                final.Remove(key);
            }
            else if (!remove)
            {
                Put(incremental, key, value, stamp, deleted: (value & 1) == 0);
                final[key] = (value, stamp, (value & 1) == 0);
            }
        }

        var fresh = new EntryTable();
        foreach ((int key, (byte value, ulong stamp, bool deleted)) in final)
        {
            Put(fresh, key, value, stamp, deleted);
        }

        Assert.Equal(fresh.Count, incremental.Count);
        for (int level = 0; level <= 4; level++)
        {
            for (ulong index = 0; index < Math.Min(1UL << (4 * level), 64); index++)
            {
                Assert.Equal(fresh.NodeHash(level, index), incremental.NodeHash(level, index));
            }
        }
    }, iter: 200);

    [Fact]
    public void NodesBelowTheHeldDepth_AreComputed_AndAddUpToTheirParents()
    {
        var table = new EntryTable();
        for (int key = 0; key < 12; key++)
        {
            Put(table, key, (byte)key, 10, deleted: false);
        }

        Assert.Equal(1, table.Depth);
        Span<ulong> children = stackalloc ulong[16];
        for (int level = 1; level <= 6; level++)
        {
            ulong parents = Math.Min(1UL << (4 * (level - 1)), 300);
            for (ulong parent = 0; parent < parents; parent++)
            {
                table.ChildHashes(level, parent, children);
                ulong xor = 0;
                foreach (ulong child in children)
                {
                    xor ^= child;
                }

                Assert.Equal(table.NodeHash(level - 1, parent), xor);
            }
        }
    }

    [Fact]
    public void TreeDeepensWithTheCount_AndKeepsItsRoot()
    {
        var table = new EntryTable();
        for (int key = 0; key < 5_000; key++)
        {
            Put(table, key, 1, 5, deleted: false);
        }

        Assert.Equal(3, table.Depth); // 5,000 entries: 4 × 16^3 = 16,384 hold them at depth 3
        var rebuilt = new EntryTable();
        for (int key = 4_999; key >= 0; key--)
        {
            Put(rebuilt, key, 1, 5, deleted: false);
        }

        Assert.Equal(rebuilt.Root, table.Root);
        Assert.Equal(5_000, table.Count);
        for (int key = 0; key < 5_000; key += 7)
        {
            Assert.True(table.Find(Key(key), EntryHash.OfKey(Key(key))) >= 0);
        }
    }

    private static byte[] Key(int key) => BitConverter.GetBytes(key);

    private static void Put(EntryTable table, int key, byte value, ulong stamp, bool deleted)
    {
        byte[] bytes = Key(key);
        ulong hash = EntryHash.OfKey(bytes);
        table.Put(table.Find(bytes, hash), bytes, hash, deleted ? [] : [value], stamp, 42, deleted);
    }
}
