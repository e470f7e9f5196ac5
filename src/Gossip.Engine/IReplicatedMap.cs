namespace Gossip.Engine;

/// <summary>
/// The cluster-wide replicated map of a <see cref="GossipNode"/>: byte keys to byte values, writable by any node,
/// kept in sync by rumors (fast) and Merkle-tree repair (complete), conflicts resolved by last writer wins on a hybrid
/// logical clock (ties by node id). Changes are reported as <see cref="GossipEventKind.DataChanged"/> events on
/// <see cref="GossipNode.Events"/>. Hosting registers the node under this interface too.
/// </summary>
public interface IReplicatedMap
{
    /// <summary>Entries held, removed keys included until their tombstones are collected.</summary>
    int Count { get; }

    /// <summary>The root hash of the map's tree: equal on two nodes exactly when (but for a 64-bit collision) their maps are equal. 0 when empty.</summary>
    ulong RootHash { get; }

    /// <summary>Writes a key (see <see cref="GossipNode.SetData"/>).</summary>
    void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Removes a key (see <see cref="GossipNode.RemoveData"/>).</summary>
    void Remove(ReadOnlySpan<byte> key);

    /// <summary>Reads a key; false when absent or removed.</summary>
    bool TryGet(ReadOnlySpan<byte> key, out byte[] value);

    /// <summary>A copy of every live key and value.</summary>
    IReadOnlyList<KeyValuePair<byte[], byte[]>> GetEntries();
}
