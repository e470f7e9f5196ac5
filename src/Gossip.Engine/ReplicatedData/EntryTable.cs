namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// The entries of the replicated map and the <see cref="HashTree"/> over them, kept in step: every insert, update and
/// removal XORs the entry's hash change into the tree. Entries are chained per deepest held tree node, which serves
/// as the key index and lets a subtree's entries be listed without a scan. When the count passes 4 × 16^depth the tree
/// goes one level deeper and the chains are rebuilt (O(n), at 64, 1,024, 16,384, 262,144 entries: amortized O(1) a write).
/// Not thread-safe: <see cref="ReplicatedMap"/> serializes access.
/// </summary>
internal sealed class EntryTable
{
    private readonly HashTree _tree = new(1);
    private EntrySlot[] _slots = new EntrySlot[4];
    private int[] _heads = new int[16];
    private int _used;
    private int _free;

    /// <summary>Entries held, tombstones included.</summary>
    public int Count { get; private set; }

    /// <summary>Tombstones held.</summary>
    public int Tombstones { get; private set; }

    /// <summary>The deepest tree level held in arrays.</summary>
    public int Depth => _tree.Depth;

    public ulong Root => _tree.Root;

    /// <summary>Slots in use or free (the high-water mark): a cursor over 0..Capacity visits every entry.</summary>
    public int Capacity => _used;

    public ref readonly EntrySlot this[int slot] => ref _slots[slot];

    public bool IsLive(int slot) => slot < _used && _slots[slot].Data is not null;

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, ulong keyHash)
    {
        for (int s = _heads[(int)HashTree.IndexAt(keyHash, _tree.Depth)]; s != 0; s = _slots[s - 1].Next)
        {
            ref EntrySlot slot = ref _slots[s - 1];
            if (slot.KeyHash == keyHash && slot.Key.SequenceEqual(key))
            {
                return s - 1;
            }
        }

        return -1;
    }

    /// <summary>Writes a version of a key over <paramref name="existing"/> (its slot) or, when -1, as a new entry.</summary>
    public void Put(int existing, ReadOnlySpan<byte> key, ulong keyHash, ReadOnlySpan<byte> value, ulong stamp, ulong origin, bool deleted)
    {
        byte[] data = new byte[key.Length + value.Length];
        key.CopyTo(data);
        value.CopyTo(data.AsSpan(key.Length));
        ulong delta;
        if (existing >= 0)
        {
            ref EntrySlot slot = ref _slots[existing];
            delta = slot.Hash;
            Tombstones -= slot.Deleted ? 1 : 0;
            slot.Data = data;
            slot.Stamp = stamp;
            slot.Origin = origin;
            slot.Deleted = deleted;
            delta ^= slot.Hash;
        }
        else
        {
            int index = Allocate();
            ref EntrySlot slot = ref _slots[index];
            slot = new EntrySlot { Data = data, KeyHash = keyHash, Stamp = stamp, Origin = origin, KeyLength = (ushort)key.Length, Deleted = deleted };
            delta = slot.Hash;
            Link(index);
            Count++;
        }

        Tombstones += deleted ? 1 : 0;
        _tree.Apply(keyHash, delta);
        if (existing < 0 && _tree.Depth < HashTree.MaxDepth && Count > HashTree.EntriesPerLeaf << (4 * _tree.Depth))
        {
            Deepen(HashTree.DepthFor(Count));
        }
    }

    /// <summary>Removes an entry (a collected tombstone).</summary>
    public void Remove(int index)
    {
        ref EntrySlot slot = ref _slots[index];
        _tree.Apply(slot.KeyHash, slot.Hash);
        ref int link = ref _heads[(int)HashTree.IndexAt(slot.KeyHash, _tree.Depth)];
        while (link != index + 1)
        {
            link = ref _slots[link - 1].Next;
        }

        link = slot.Next;
        Tombstones -= slot.Deleted ? 1 : 0;
        Count--;
        slot = new EntrySlot { Next = _free };
        _free = index + 1;
    }

    /// <summary>The hash of node (<paramref name="level"/>, <paramref name="index"/>), held or computed from its entries.</summary>
    public ulong NodeHash(int level, ulong index)
    {
        if (level <= _tree.Depth)
        {
            return _tree.NodeHash(level, index);
        }

        ulong hash = 0;
        SubtreeCursor cursor = Subtree(level, index);
        while (cursor.MoveNext(out int slot))
        {
            hash ^= _slots[slot].Hash;
        }

        return hash;
    }

    /// <summary>Fills the 16 child hashes (at <paramref name="childLevel"/>) of node <paramref name="parent"/> one level up.</summary>
    public void ChildHashes(int childLevel, ulong parent, Span<ulong> children)
    {
        children.Clear();
        if (childLevel <= _tree.Depth)
        {
            for (int c = 0; c < 16; c++)
            {
                children[c] = _tree.NodeHash(childLevel, (parent << 4) | (uint)c);
            }

            return;
        }

        SubtreeCursor cursor = Subtree(childLevel - 1, parent);
        while (cursor.MoveNext(out int slot))
        {
            ref EntrySlot entry = ref _slots[slot];
            children[(int)(HashTree.IndexAt(entry.KeyHash, childLevel) & 15)] ^= entry.Hash;
        }
    }

    /// <summary>The entries of node (<paramref name="level"/>, <paramref name="index"/>).</summary>
    public SubtreeCursor Subtree(int level, ulong index) => new(this, level, index);

    internal int Head(ulong node) => _heads[node];

    internal int NextOf(int slot) => _slots[slot].Next;

    private int Allocate()
    {
        if (_free != 0)
        {
            int index = _free - 1;
            _free = _slots[index].Next;
            return index;
        }

        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return _used++;
    }

    private void Link(int index)
    {
        ref int head = ref _heads[(int)HashTree.IndexAt(_slots[index].KeyHash, _tree.Depth)];
        _slots[index].Next = head;
        head = index + 1;
    }

    private void Deepen(int depth)
    {
        _tree.Reset(depth);
        _heads = new int[1 << (4 * depth)];
        for (int i = 0; i < _used; i++)
        {
            if (_slots[i].Data is not null)
            {
                Link(i);
                _tree.Apply(_slots[i].KeyHash, _slots[i].Hash);
            }
        }
    }

    /// <summary>Walks the entries of one tree node: the chains of the held nodes under it, or the one chain above it, filtered.</summary>
    internal ref struct SubtreeCursor
    {
        private readonly EntryTable _table;
        private readonly int _level;
        private readonly ulong _index;
        private ulong _node;
        private readonly ulong _endNode;
        private int _next;

        public SubtreeCursor(EntryTable table, int level, ulong index)
        {
            _table = table;
            _level = level;
            _index = index;
            int depth = table.Depth;
            if (level <= depth)
            {
                _node = index << (4 * (depth - level));
                _endNode = (index + 1) << (4 * (depth - level));
            }
            else
            {
                _node = index >> (4 * (level - depth));
                _endNode = _node + 1;
            }

            _next = _node < _endNode ? table.Head(_node) : 0;
        }

        public bool MoveNext(out int slot)
        {
            while (true)
            {
                while (_next != 0)
                {
                    slot = _next - 1;
                    _next = _table.NextOf(slot);
                    if (_level <= _table.Depth || HashTree.IndexAt(_table[slot].KeyHash, _level) == _index)
                    {
                        return true;
                    }
                }

                if (++_node >= _endNode)
                {
                    slot = -1;
                    return false;
                }

                _next = _table.Head(_node);
            }
        }
    }
}
