namespace Gossip.Engine.ReplicatedData;

/// <summary>What <see cref="ReplicatedMap.Merge"/> did with a peer's entry.</summary>
internal enum MergeOutcome : byte
{
    /// <summary>Newer than ours (or new): taken.</summary>
    Applied,
    /// <summary>Ours is as new or newer: nothing changed.</summary>
    Stale,
    /// <summary>A tombstone older than the retention: already collected here, so not taken back.</summary>
    Expired,
    /// <summary>Stamped further in the future than the clock skew allows: dropped and counted.</summary>
    FromTheFuture,
    /// <summary>A new key while the map is full: dropped and counted.</summary>
    Full,
    /// <summary>Key or value longer than this node's options allow: dropped and counted.</summary>
    TooLarge,
}
