using System.Collections.Concurrent;
using System.Text;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// Every member this node knows and every change to one. A member's status, generation and state version feed the
/// table's live count and hash, so they change only here, through <see cref="Commit"/>: the one place that keeps the
/// table right after a change. Also owns the two peer pickers, the list of down members awaiting reaping, and the
/// snapshot that application threads read.
/// </summary>
internal sealed class MembershipState
{
    /// <summary>Most reaped members remembered for reconnection (the oldest is forgotten first).</summary>
    public const int MaxFormerMembers = 1_024;

    /// <summary>Rounds between two sweeps for tombstones to collect.</summary>
    private const int TombstoneSweepRounds = 64;

    private readonly NodeContext _node;
    private readonly GossipOptions _options;
    private readonly NodeCounters _counters;
    private readonly Member _self;
    private readonly NodeId _id;
    private readonly MemberTable _table;
    private readonly List<Member> _down = [];
    private readonly List<FormerMember> _former = [];

    // Application threads read member state through this map; the owner adds and removes members (rare events).
    private readonly ConcurrentDictionary<NodeId, Member> _byId = new();

    private volatile MemberSnapshot[] _published;
    private volatile int _publishedLiveCount;
    private long _publishedRound = -1;

    public MembershipState(NodeContext node)
    {
        _node = node;
        _options = node.Options;
        _counters = node.Counters;
        _self = node.Self;
        _id = node.Id;
        _table = new MemberTable(node.Options.MaxMembers);
        _table.TryAdd(node.Self);
        _byId[node.Id] = node.Self;
        GossipPeers = new PeerSelector(_table, node.Self, node.Random);
        ProbePeers = new PeerSelector(_table, node.Self, node.Random);
        _published = _table.Snapshot();
        _publishedLiveCount = _table.LiveCount;
    }

    /// <summary>The members, sorted by id (read-only use: change members through this class).</summary>
    public MemberTable Table => _table;

    /// <summary>Picks peers to gossip with (and to ask for indirect probes).</summary>
    public PeerSelector GossipPeers { get; }

    /// <summary>Picks the next member to probe.</summary>
    public PeerSelector ProbePeers { get; }

    /// <summary>Members declared dead or departed and not yet reaped.</summary>
    public IReadOnlyList<Member> Down => _down;

    /// <summary>Members reaped within <see cref="FormerKeptForRounds"/>, oldest first: where to look for the other side of a partition, and what stale news must not resurrect.</summary>
    public IReadOnlyList<FormerMember> Former => _former;

    /// <summary>
    /// Rounds a reaped member is remembered: <see cref="GossipOptions.ReconnectForRounds"/>, and at least
    /// <see cref="GossipOptions.ReapAfterRounds"/> so that even with reconnection off, stale news does not resurrect it at once.
    /// </summary>
    public long FormerKeptForRounds => Math.Max(_options.ReconnectForRounds, _options.ReapAfterRounds);

    /// <summary>
    /// Rounds a removed key's tombstone is kept: as long as a reaped member is remembered, so that the removal has reached
    /// every side of any partition that can still heal before it is forgotten.
    /// </summary>
    public long TombstoneKeptForRounds => FormerKeptForRounds;

    /// <summary>The member list as last published for other threads.</summary>
    public MemberSnapshot[] Published => _published;

    /// <summary>The live count published with <see cref="Published"/>.</summary>
    public int PublishedLiveCount => _publishedLiveCount;

    public bool TryGet(NodeId id, out Member member) => _table.TryGet(id, out member);

    /// <summary>A member's state entry as application threads see it (safe from any thread); false when unknown or removed.</summary>
    public bool TryGetShared(NodeId id, string key, out ReadOnlyMemory<byte> value)
    {
        value = default;
        if (!_byId.TryGetValue(id, out Member? known) || known.StateOrNull is not { } state
            || !state.TryGetValue(key, out StateEntry? entry) || entry.Deleted)
        {
            return false;
        }

        value = entry.Value;
        return true;
    }

    /// <summary>Adds a member learned by gossip; null when the table is full (a partial view), which is counted.</summary>
    public Member? Add(NodeId id, uint generation, uint incarnation, WireAddress address)
    {
        // Checked before the Member is made: a full table (a partial view) is offered unknown members on every sync.
        if (_table.IsFull)
        {
            Interlocked.Increment(ref _counters.LimitHitsValue);
            return null;
        }

        long round = _node.Round;
        var member = new Member(id, generation, address) { Incarnation = incarnation, Status = MemberStatus.Alive, StatusRound = round, HeartbeatRound = round };
        _table.TryAdd(member);
        _byId[id] = member;
        if (_former.Count > 0)
        {
            Forget(id);
        }

        GossipPeers.Added(member);
        ProbePeers.Added(member);
        _node.Events.Notify(GossipEventKind.MemberJoined, id);
        return member;
    }

    /// <summary>A member came back with a higher generation: its old state and status are void.</summary>
    public void Restart(Member member, uint generation, uint incarnation, WireAddress address)
    {
        MemberMark before = Mark(member);
        member.Generation = generation;
        member.Incarnation = incarnation;
        member.Address = address;
        member.Status = MemberStatus.Alive;
        member.StatusRound = _node.Round;
        member.Suspicion = null;
        member.Heartbeat = 0;
        member.MaxVersion = 0;
        member.StateOrNull?.Clear();
        member.Tombstones = 0;
        member.CollectedVersion = 0;
        Commit(member, before);
        _node.Events.Notify(GossipEventKind.MemberJoined, member.Id);
    }

    public void SetStatus(Member member, MemberStatus status)
    {
        MemberMark before = Mark(member);
        member.Status = status;
        member.StatusRound = _node.Round;
        Commit(member, before);
    }

    /// <summary>Declares a member dead or departed: it stays (so the news spreads and a late message cannot resurrect it) until reaped.</summary>
    public void MarkDown(Member member, MemberStatus status)
    {
        SetStatus(member, status);
        member.Suspicion = null;
        _down.Add(member);
        _node.Events.Notify(status == MemberStatus.Dead ? GossipEventKind.MemberDead : GossipEventKind.MemberLeft, member.Id);
    }

    /// <summary>A member came back from suspicion (or from a death a refutation overruled).</summary>
    public void MarkAlive(Member member)
    {
        SetStatus(member, MemberStatus.Alive);
        member.Suspicion = null;
        _node.Events.Notify(GossipEventKind.MemberAlive, member.Id);
    }

    /// <summary>Stores one state entry of a member; a higher version raises its max version (and so the table hash).</summary>
    public void SetEntry(Member member, string key, StateEntry entry)
    {
        ConcurrentDictionary<string, StateEntry> state = member.State;
        bool wasTombstone = state.TryGetValue(key, out StateEntry? old) && old.Deleted;
        state[key] = entry;
        member.Tombstones += (entry.Deleted ? 1 : 0) - (wasTombstone ? 1 : 0);
        if (entry.Version > member.MaxVersion)
        {
            MemberMark before = Mark(member);
            member.MaxVersion = entry.Version;
            Commit(member, before);
        }
    }

    /// <summary>
    /// Checks a change of this node's own state before it is queued (safe from any thread): a key or value over the wire
    /// limits throws <see cref="ArgumentOutOfRangeException"/>; a new key when the state is full throws
    /// <see cref="InvalidOperationException"/> (counted as a limit hit) instead of being dropped later, silently.
    /// </summary>
    public void ThrowIfCannotSetLocal(string key, int valueLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        WireLimits limits = _node.Limits;
        if (Encoding.UTF8.GetByteCount(key) > limits.MaxKeyBytes || valueLength > limits.MaxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(key), $"Keys are at most {limits.MaxKeyBytes} UTF-8 bytes and values at most {limits.MaxValueBytes} bytes.");
        }

        if (_self.StateOrNull is { } state && state.Count >= _options.MaxKeysPerMember && !state.ContainsKey(key))
        {
            Interlocked.Increment(ref _counters.LimitHitsValue);
            throw new InvalidOperationException(
                $"This node's state already holds {_options.MaxKeysPerMember} keys (GossipOptions.MaxKeysPerMember), removed keys included until their tombstones are collected, {TombstoneKeptForRounds} rounds after the removal.");
        }
    }

    /// <summary>Sets (or, <paramref name="deleted"/>, tombstones) a key of this node's own state at the next version; false when the key limit is reached (counted). The application hears of it as a change.</summary>
    public bool SetLocal(string key, byte[] value, bool deleted)
    {
        Member self = _self;
        if (!self.State.ContainsKey(key) && self.State.Count >= _options.MaxKeysPerMember)
        {
            Interlocked.Increment(ref _counters.LimitHitsValue);
            return false;
        }

        SetEntry(self, key, new StateEntry(value, self.MaxVersion + 1, deleted, _node.Round));
        _node.Events.Notify(GossipEventKind.StateChanged, _id, key);
        return true;
    }

    /// <summary>Takes note of a member's heartbeat; an advancing heartbeat proves it takes part.</summary>
    /// <summary>A heartbeat in the member's own frame (or an ack relayed from it): also proof that it is taking part now.</summary>
    public void HearHeartbeat(Member member, uint generation, ulong heartbeat)
    {
        ulong before = member.Heartbeat;
        ObserveHeartbeat(member, generation, heartbeat);
        if (member.Heartbeat > before)
        {
            member.HeardRound = _node.Round;
        }
    }

    public void ObserveHeartbeat(Member member, uint generation, ulong heartbeat)
    {
        if (member != _self && generation == member.Generation && heartbeat > member.Heartbeat)
        {
            member.Heartbeat = heartbeat;
            member.HeartbeatRound = _node.Round;
        }
    }

    /// <summary>
    /// The first round after <paramref name="round"/> in which <see cref="Reap"/> forgets a member or a former one, or
    /// the member list has changes not yet published; the periodic tombstone sweep counts too.
    /// </summary>
    public long NextWorkRound(long round)
    {
        long soon = round + 1;
        if (_table.SnapshotStale)
        {
            return soon;
        }

        long next = SeedJoiner.NextMultiple(round, TombstoneSweepRounds);
        foreach (Member member in _down)
        {
            if (member.Removed || member.IsLive)
            {
                return soon;
            }

            next = Math.Min(next, member.StatusRound + _options.ReapAfterRounds);
        }

        if (_former.Count > 0)
        {
            next = Math.Min(next, _former[0].ReapedRound + FormerKeptForRounds);
        }

        return Math.Max(next, soon);
    }

    /// <summary>Forgets members that have been down for <see cref="GossipOptions.ReapAfterRounds"/>.</summary>
    public void Reap(long round)
    {
        for (int i = _down.Count - 1; i >= 0; i--)
        {
            Member member = _down[i];
            if (member.Removed || member.IsLive)
            {
                _down.RemoveAt(i);
            }
            else if (round - member.StatusRound >= _options.ReapAfterRounds)
            {
                _down.RemoveAt(i);
                _table.Remove(member);
                _byId.TryRemove(member.Id, out _);
                Remember(member, round);
            }
        }

        int expired = 0;
        long keepFor = FormerKeptForRounds;
        while (expired < _former.Count && round - _former[expired].ReapedRound >= keepFor)
        {
            expired++;
        }

        _former.RemoveRange(0, expired);
        if (round % TombstoneSweepRounds == 0)
        {
            CollectTombstones(round);
        }
    }

    /// <summary>A reaped member remembered under <paramref name="id"/>, if any (a linear search: only for members we do not know).</summary>
    public bool TryGetFormer(NodeId id, out FormerMember former)
    {
        for (int i = _former.Count - 1; i >= 0; i--)
        {
            if (_former[i].Id == id)
            {
                former = _former[i];
                return true;
            }
        }

        former = default;
        return false;
    }

    /// <summary>
    /// The highest generation believed: the Unix time in seconds plus <see cref="GossipOptions.MaxClockSkew"/>. A higher
    /// one cannot come from a restart, only from a forger pushing a member out of its own reach.
    /// </summary>
    public uint GenerationCeiling()
    {
        long ceiling = _node.Time.GetUtcNow().ToUnixTimeSeconds() + (long)_options.MaxClockSkew.TotalSeconds;
        return (uint)Math.Clamp(ceiling, 0, uint.MaxValue - 1);
    }

    /// <summary>Counts a piece of news not believed (see <see cref="NodeCounters.NewsDropped"/>).</summary>
    public void CountDropped() => _counters.NewsDroppedValue++;

    /// <summary>
    /// This node starts a new generation in place (it cannot go on in the old one: see the callers): incarnation 0, its
    /// state and versions kept. Others void their copy of its state when they believe the new generation and fetch it again.
    /// </summary>
    public void RenewSelf(uint generation)
    {
        MemberMark before = Mark(_self);
        _self.Generation = generation;
        _self.Incarnation = 0;
        Commit(_self, before);
    }

    /// <summary>The live member with the lowest id, which every node can tell from its own table; true when that is this node.</summary>
    public bool SelfIsLowestLive()
    {
        for (int i = 0; i < _table.Count; i++)
        {
            if (_table[i].IsLive)
            {
                return _table[i] == _self;
            }
        }

        return true;
    }

    /// <summary>
    /// Publishes the member list for readers on other threads. Rebuilding it is O(n), and while a large cluster forms
    /// nearly every frame changes the table, so the receive path (<paramref name="endOfRound"/> false) rebuilds at most
    /// once per round; the end of every round publishes whatever is left.
    /// </summary>
    public void Publish(bool endOfRound)
    {
        if (!endOfRound && _publishedRound == _node.Round)
        {
            return;
        }

        MemberSnapshot[] snapshot = _table.Snapshot();
        if (!ReferenceEquals(snapshot, _published))
        {
            // Every change of the live count also makes the snapshot stale, so the two are published together.
            _published = snapshot;
            _publishedLiveCount = _table.LiveCount;
            _publishedRound = _node.Round;
        }
    }

    private void Remember(Member member, long round)
    {
        if (_former.Count == MaxFormerMembers)
        {
            _former.RemoveAt(0);
        }

        // The highest heartbeat it can have reached before it went down: the last one seen plus a beat for each round
        // from then until it was declared down. News at or below it may be from before its end; a member that lived on
        // (the other side of a partition) is far past it by the time it is reaped.
        ulong lastPossible = member.Heartbeat + (ulong)Math.Max(0, member.StatusRound - member.HeartbeatRound);
        _former.Add(new FormerMember(member.Id, member.Generation, member.Address, round, lastPossible, member.Incarnation, member.Status == MemberStatus.Left));
    }

    /// <summary>
    /// Forgets the removed keys stored at least <see cref="TombstoneKeptForRounds"/> ago, so that they stop counting
    /// towards <see cref="GossipOptions.MaxKeysPerMember"/>. The member's max version stays where it was: an entry of a
    /// collected key at or below it is stale and is not taken again (see <c>DeltaMerger</c>).
    /// </summary>
    private void CollectTombstones(long round)
    {
        long keepFor = TombstoneKeptForRounds;
        for (int i = 0; i < _table.Count; i++)
        {
            Member member = _table[i];
            if (member.Tombstones == 0 || member.StateOrNull is not { } state)
            {
                continue;
            }

            foreach (KeyValuePair<string, StateEntry> pair in state)
            {
                if (pair.Value.Deleted && round - pair.Value.Round >= keepFor && state.TryRemove(pair))
                {
                    member.Tombstones--;
                    member.CollectedVersion = Math.Max(member.CollectedVersion, pair.Value.Version);
                }
            }
        }
    }

    private void Forget(NodeId id)
    {
        for (int i = 0; i < _former.Count; i++)
        {
            if (_former[i].Id == id)
            {
                _former.RemoveAt(i);
                return;
            }
        }
    }

    private static MemberMark Mark(Member member) => new(member.IsLive, member.Hash);

    /// <summary>The one place a member's change reaches the table: live count, hash and snapshot follow it.</summary>
    private void Commit(Member member, MemberMark before) => _table.Refresh(member, before.WasLive, before.Hash);

    private readonly record struct MemberMark(bool WasLive, ulong Hash);
}
