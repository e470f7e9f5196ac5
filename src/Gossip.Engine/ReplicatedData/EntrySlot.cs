namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// One entry of the map, kept in a struct array so a key costs one small array (key and value together) and 40 bytes
/// of slot, with no object of its own. <see cref="Next"/> chains the entries of one deepest tree node (slot index + 1,
/// 0 ends the chain), which is also the key index: a lookup walks the chain of its key's node.
/// </summary>
internal struct EntrySlot
{
    /// <summary>Key bytes then value bytes; null for a free slot.</summary>
    public byte[]? Data;
    public ulong KeyHash;
    public ulong Stamp;
    public ulong Origin;
    public int Next;
    public ushort KeyLength;
    public bool Deleted;

    public readonly ReadOnlySpan<byte> Key => Data.AsSpan(0, KeyLength);

    public readonly ReadOnlySpan<byte> Value => Data.AsSpan(KeyLength);

    public readonly ulong Hash => EntryHash.OfEntry(Key, Value, Stamp, Origin, Deleted);
}
