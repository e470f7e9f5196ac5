using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// The members a node knows, kept sorted by id so anti-entropy can sweep it in id ranges, with an
/// order-independent table hash (XOR of per-member hashes) that two nodes compare in one probe to learn
/// whether they agree. Owned by the node's executor; bounded by <see cref="Capacity"/>.
/// </summary>
internal sealed class MemberTable
{
    private readonly Dictionary<NodeId, Member> _byId;
    private readonly List<Member> _sorted;
    private MemberSnapshot[] _snapshot = [];
    private bool _snapshotStale = true;

    public MemberTable(int capacity)
    {
        Capacity = capacity;
        _byId = new Dictionary<NodeId, Member>(Math.Min(capacity, 1024));
        _sorted = new List<Member>(Math.Min(capacity, 1024));
    }

    public int Capacity { get; }

    public int Count => _sorted.Count;

    /// <summary>True when <see cref="Capacity"/> members are held: a partial view, in a cluster larger than the limit.</summary>
    public bool IsFull => _sorted.Count >= Capacity;

    /// <summary>Members alive or suspect, this node included.</summary>
    public int LiveCount { get; private set; }

    /// <summary>XOR of the hashes of live members: equal on two nodes when they agree on who is live, their generations and state versions.</summary>
    public ulong Hash { get; private set; }

    public Member this[int index] => _sorted[index];

    public bool TryGet(NodeId id, out Member member) => _byId.TryGetValue(id, out member!);

    /// <summary>Adds a member; false when the table is full.</summary>
    public bool TryAdd(Member member)
    {
        if (IsFull)
        {
            return false;
        }

        _byId.Add(member.Id, member);
        int index = LowerBound(member.Id.Value);
        _sorted.Insert(index, member);
        Refresh(member, wasLive: false, oldHash: 0);
        return true;
    }

    public void Remove(Member member)
    {
        if (!_byId.Remove(member.Id))
        {
            return;
        }

        _sorted.RemoveAt(LowerBound(member.Id.Value));
        if (member.IsLive)
        {
            LiveCount--;
        }

        Hash ^= member.Hash;
        member.Removed = true;
        _snapshotStale = true;
    }

    /// <summary>Call after changing a member's status, generation or max version: keeps the live count, the hash and the snapshot right.</summary>
    public void Refresh(Member member, bool wasLive, ulong oldHash)
    {
        bool live = member.IsLive;
        LiveCount += (live ? 1 : 0) - (wasLive ? 1 : 0);
        member.Hash = live ? MemberHash(member.Id, member.Generation, member.MaxVersion) : 0;
        Hash ^= oldHash ^ member.Hash;
        _snapshotStale = true;
    }

    /// <summary>Index of the first member whose id is &gt;= <paramref name="id"/>.</summary>
    public int LowerBound(ulong id)
    {
        int lo = 0;
        int hi = _sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid].Id.Value < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>XOR of member hashes with ids in [start, end].</summary>
    public ulong RangeHash(ulong start, ulong end, out int count)
    {
        ulong hash = 0;
        count = 0;
        for (int i = LowerBound(start); i < _sorted.Count && _sorted[i].Id.Value <= end; i++)
        {
            hash ^= _sorted[i].Hash;
            count++;
        }

        return hash;
    }

    /// <summary>True when the table changed since <see cref="Snapshot"/> was last built.</summary>
    public bool SnapshotStale => _snapshotStale;

    /// <summary>The member list as of the last change; rebuilt (allocating) only after a change.</summary>
    public MemberSnapshot[] Snapshot()
    {
        if (_snapshotStale)
        {
            var snapshot = new MemberSnapshot[_sorted.Count];
            for (int i = 0; i < snapshot.Length; i++)
            {
                snapshot[i] = _sorted[i].ToSnapshot();
            }

            _snapshot = snapshot;
            _snapshotStale = false;
        }

        return _snapshot;
    }

    public static ulong MemberHash(NodeId id, uint generation, ulong maxVersion)
    {
        ulong z = id.Value ^ ((ulong)generation * 0x9E3779B97F4A7C15UL) ^ (maxVersion * 0xC2B2AE3D27D4EB4FUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) | 1;
    }
}
