using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// The cluster-wide replicated map of one node: byte keys to byte values, any node may write any key. Conflicts are
/// resolved by last writer wins: every version carries a hybrid-logical-clock stamp and its writer's id, and the
/// higher (stamp, writer) pair wins everywhere, whatever order versions arrive in, so replicas that have seen the same
/// versions hold the same map. Removals are tombstones, kept for <see cref="TombstoneRetention"/> (longer than the
/// reconnect window) so that a healed partition cannot bring a removed key back. The entries and their hash tree
/// live in an <see cref="EntryTable"/>.
/// </summary>
/// <remarks>
/// The node's executor is the only writer. Application reads come from any thread: they and the writes take a lock
/// (uncontended on the protocol path, where reads by the repair happen on the executor and need none).
/// </remarks>
internal sealed class ReplicatedMap
{
    private readonly NodeContext _node;
    private readonly EntryTable _table = new();
    private readonly HybridClock _clock = new();
    private readonly Lock _gate = new();
    private readonly int _maxEntries;
    private readonly int _maxKeyBytes;
    private readonly int _maxValueBytes;
    private readonly long _skewMilliseconds;
    private ulong _root;
    private int _count;
    private int _collectCursor;

    public ReplicatedMap(NodeContext node)
    {
        _node = node;
        GossipOptions options = node.Options;
        _maxEntries = options.MaxDataEntries;
        _maxKeyBytes = Math.Min(options.MaxDataKeyBytes, node.Limits.MaxKeyBytes);
        _maxValueBytes = Math.Min(options.MaxDataValueBytes, node.Limits.MaxValueBytes);
        _skewMilliseconds = (long)options.MaxClockSkew.TotalMilliseconds;
        TimeSpan window = options.GossipInterval * options.ReconnectForRounds;
        TombstoneRetention = options.DataTombstoneRetention > window ? options.DataTombstoneRetention : window + TimeSpan.FromHours(1);
    }

    /// <summary>How long tombstones are kept: the option, or the reconnect window plus an hour when that is longer.</summary>
    public TimeSpan TombstoneRetention { get; }

    /// <summary>The tree's root hash (0 when empty); readable from any thread.</summary>
    public ulong Root => Volatile.Read(ref _root);

    /// <summary>Entries held, tombstones included; readable from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The deepest tree level held in arrays (owner thread).</summary>
    public int Depth => _table.Depth;

    /// <summary>The entries and tree (owner thread, read-only use).</summary>
    public EntryTable Table => _table;

    public int MaxKeyBytes => _maxKeyBytes;

    public int MaxValueBytes => _maxValueBytes;

    /// <summary>Throws when a local write could never be taken (programmer errors, checked on the caller's thread).</summary>
    public void ThrowIfInvalid(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.IsEmpty || key.Length > _maxKeyBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(key), $"A replicated-map key is 1 to {_maxKeyBytes} bytes.");
        }

        if (value.Length > _maxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"A replicated-map value is at most {_maxValueBytes} bytes.");
        }

        if (Count >= _maxEntries && !Contains(key))
        {
            throw new InvalidOperationException($"The replicated map is full ({_maxEntries} entries, GossipOptions.MaxDataEntries).");
        }
    }

    /// <summary>A local write or removal (owner thread); returns its stamp, or 0 when the map filled up meanwhile (counted).</summary>
    public ulong Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool deleted)
    {
        ulong keyHash = EntryHash.OfKey(key);
        int slot = _table.Find(key, keyHash);
        if (slot < 0 && _table.Count >= _maxEntries)
        {
            Interlocked.Increment(ref _node.Counters.DataEntriesDroppedValue);
            Interlocked.Increment(ref _node.Counters.LimitHitsValue);
            return 0;
        }

        ulong stamp = _clock.Next(NowMilliseconds());
        Put(slot, key, keyHash, deleted ? default : value, stamp, _node.Id.Value, deleted);
        return stamp;
    }

    /// <summary>Takes a peer's entry if it is newer than ours (owner thread).</summary>
    public MergeOutcome Merge(in DataEntry entry)
    {
        if (entry.Key.Length > _maxKeyBytes || entry.Value.Length > _maxValueBytes)
        {
            return MergeOutcome.TooLarge;
        }

        long now = NowMilliseconds();
        long physical = HybridClock.PhysicalMilliseconds(entry.Stamp);
        if (physical > now + _skewMilliseconds)
        {
            return MergeOutcome.FromTheFuture;
        }

        if (entry.Deleted && physical < now - (long)TombstoneRetention.TotalMilliseconds)
        {
            return MergeOutcome.Expired;
        }

        ulong keyHash = EntryHash.OfKey(entry.Key);
        int slot = _table.Find(entry.Key, keyHash);
        if (slot >= 0 && !IsNewer(entry.Stamp, entry.Origin.Value, _table[slot].Stamp, _table[slot].Origin))
        {
            return MergeOutcome.Stale;
        }

        if (slot < 0 && _table.Count >= _maxEntries)
        {
            return MergeOutcome.Full;
        }

        _clock.Observe(entry.Stamp);
        Put(slot, entry.Key, keyHash, entry.Value, entry.Stamp, entry.Origin.Value, entry.Deleted);
        return MergeOutcome.Applied;
    }

    /// <summary>True when version (stamp, origin) beats version (otherStamp, otherOrigin): the higher stamp, then the higher writer id.</summary>
    public static bool IsNewer(ulong stamp, ulong origin, ulong otherStamp, ulong otherOrigin) =>
        stamp > otherStamp || (stamp == otherStamp && origin > otherOrigin);

    /// <summary>
    /// Collects tombstones older than the retention, visiting at most <paramref name="budget"/> slots (owner thread);
    /// a round run late (slept through, see <c>QuietRounds</c>) passes how late, so it collects what it would have then.
    /// </summary>
    public void CollectTombstones(int budget, long lagMilliseconds = 0)
    {
        if (_table.Tombstones == 0)
        {
            return;
        }

        long horizon = NowMilliseconds() - lagMilliseconds - (long)TombstoneRetention.TotalMilliseconds;
        for (int i = 0; i < budget && _table.Capacity > 0; i++)
        {
            int slot = _collectCursor = _collectCursor >= _table.Capacity ? 0 : _collectCursor;
            _collectCursor++;
            if (_table.IsLive(slot) && _table[slot].Deleted && HybridClock.PhysicalMilliseconds(_table[slot].Stamp) < horizon)
            {
                lock (_gate)
                {
                    _table.Remove(slot);
                    Publish();
                }
            }
        }
    }

    /// <summary>Reads a key's value (any thread); false when absent or removed.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        ulong keyHash = EntryHash.OfKey(key);
        lock (_gate)
        {
            int slot = _table.Find(key, keyHash);
            if (slot < 0 || _table[slot].Deleted)
            {
                value = [];
                return false;
            }

            value = _table[slot].Value.ToArray();
            return true;
        }
    }

    /// <summary>A key's version (any thread): false when the key was never seen (or its tombstone was collected).</summary>
    public bool TryGetVersion(ReadOnlySpan<byte> key, out ulong stamp, out NodeId origin, out bool deleted)
    {
        ulong keyHash = EntryHash.OfKey(key);
        lock (_gate)
        {
            int slot = _table.Find(key, keyHash);
            stamp = slot < 0 ? 0 : _table[slot].Stamp;
            origin = slot < 0 ? NodeId.None : new NodeId(_table[slot].Origin);
            deleted = slot >= 0 && _table[slot].Deleted;
            return slot >= 0;
        }
    }

    /// <summary>A copy of every live (not removed) key and value (any thread).</summary>
    public List<KeyValuePair<byte[], byte[]>> Snapshot()
    {
        lock (_gate)
        {
            var entries = new List<KeyValuePair<byte[], byte[]>>(_table.Count - _table.Tombstones);
            for (int slot = 0; slot < _table.Capacity; slot++)
            {
                if (_table.IsLive(slot) && !_table[slot].Deleted)
                {
                    entries.Add(new KeyValuePair<byte[], byte[]>(_table[slot].Key.ToArray(), _table[slot].Value.ToArray()));
                }
            }

            return entries;
        }
    }

    private bool Contains(ReadOnlySpan<byte> key)
    {
        ulong keyHash = EntryHash.OfKey(key);
        lock (_gate)
        {
            return _table.Find(key, keyHash) >= 0;
        }
    }

    private void Put(int slot, ReadOnlySpan<byte> key, ulong keyHash, ReadOnlySpan<byte> value, ulong stamp, ulong origin, bool deleted)
    {
        lock (_gate)
        {
            _table.Put(slot, key, keyHash, value, stamp, origin, deleted);
            Publish();
        }

        if (_node.Events.Enabled)
        {
            _node.Events.Notify(GossipEventKind.DataChanged, new NodeId(origin), payload: key.ToArray());
        }
    }

    private void Publish()
    {
        Volatile.Write(ref _root, _table.Root);
        Volatile.Write(ref _count, _table.Count);
    }

    private long NowMilliseconds() => _node.Time.GetUtcNow().ToUnixTimeMilliseconds();
}
