using Gossip.Engine.Membership;

namespace Gossip.Engine.FailureDetection;

/// <summary>
/// Picks the target of the scheduled probe so that, when every node holds the same member table, every member is
/// probed by exactly one other member in each probe period: in period <c>p</c> (wall-clock time divided by the probe
/// interval, the same number on every node) the member at rank <c>i</c> among the live members of the id-sorted table
/// probes the one at rank <c>i + 1 + p mod (n - 1)</c>, n live members. Over n - 1 periods a prober still visits every member once, as SWIM's shuffled
/// round-robin does, but the probes a member receives no longer arrive as independent random draws: with shuffled
/// passes the wait from a crash to the first probe of the crashed member is about exponential (at 128 nodes and a
/// 1 s interval p50 0.7 s, p90 2.3 s, p99 4.6 s), with the rotation it is at most two intervals (p50 0.55 s, p90
/// 1.2 s, p99 1.6 s; Monte Carlo over random timer phases). That wait was the tail of crash detection.
/// The rotation runs over the members held live, so a crashed prober leaves a hole only until it is declared dead.
/// Views that differ (a death not yet heard of everywhere, a clock stepped) make two probers meet on one target for a
/// while and leave another unprobed that period; the scheduled probe falls back to the shuffled round-robin whenever
/// the rotation has no pick, and always in a partial view, where tables differ by design.
/// </summary>
internal sealed class ProbeRotation
{
    private long _lastPeriod = long.MinValue;
    private int[] _downPositions = new int[16];

    /// <summary>
    /// The rotation's target for the probe period that contains <paramref name="now"/>, or null when the rotation has
    /// none (alone, a partial view, a second probe in one period, or the tables disagree): the caller then uses the
    /// shuffled round-robin. <paramref name="down"/> lists the members held dead or departed (it may also hold some
    /// that came back or were reaped since): the rotation runs over the live members only, so a crashed prober
    /// leaves no member unprobed once everyone holds it dead.
    /// </summary>
    public Member? Pick(MemberTable table, Member self, IReadOnlyList<Member> down, DateTimeOffset now, TimeSpan probeInterval)
    {
        long intervalMs = Math.Max(1, (long)probeInterval.TotalMilliseconds);
        long period = now.ToUnixTimeMilliseconds() / intervalMs;

        // A round timer catching up can land twice in one period: the second probe goes to the shuffled round-robin
        // (probing the same member again would waste it, and moving on to the next period's offset would leave this
        // node one period ahead of the others, colliding with its neighbour's targets until a late tick put it back).
        bool again = period <= _lastPeriod;
        _lastPeriod = Math.Max(period, _lastPeriod);
        int live = table.LiveCount;
        if (again || live < 2 || table.IsFull || !self.IsLive || !table.TryGet(self.Id, out _) || !CollectDown(table, down))
        {
            return null;
        }

        int selfIndex = table.LowerBound(self.Id.Value);
        int selfRank = selfIndex - CountBelow(selfIndex, table.Count - live);
        int offset = 1 + (int)((ulong)period % (ulong)(live - 1));
        Member target = table[PositionOfLiveRank((selfRank + offset) % live, table.Count - live)];
        return target != self && target.IsLive ? target : null;
    }

    /// <summary>
    /// Table positions of the members that are not live, ascending and distinct; false when they do not add up (then
    /// no rotation). Sorted, not searched, for duplicates: O(d log d) per probe, also when a split left half the
    /// table down.
    /// </summary>
    private bool CollectDown(MemberTable table, IReadOnlyList<Member> down)
    {
        int expected = table.Count - table.LiveCount;
        if (expected == 0)
        {
            return true;
        }

        if (_downPositions.Length < down.Count)
        {
            _downPositions = new int[Math.Max(down.Count, _downPositions.Length * 2)];
        }

        int listed = 0;
        for (int i = 0; i < down.Count; i++)
        {
            Member member = down[i];
            if (!member.IsLive && !member.Removed)
            {
                _downPositions[listed++] = table.LowerBound(member.Id.Value);
            }
        }

        Array.Sort(_downPositions, 0, listed);
        int distinct = 0;
        for (int i = 0; i < listed; i++)
        {
            if (distinct == 0 || _downPositions[distinct - 1] != _downPositions[i])
            {
                _downPositions[distinct++] = _downPositions[i];
            }
        }

        return distinct == expected;
    }

    private int CountBelow(int position, int downCount)
    {
        int below = 0;
        while (below < downCount && _downPositions[below] < position)
        {
            below++;
        }

        return below;
    }

    /// <summary>The table position of the live member with the given rank among the live members.</summary>
    private int PositionOfLiveRank(int rank, int downCount)
    {
        int position = rank;
        for (int i = 0; i < downCount && _downPositions[i] <= position; i++)
        {
            position++;
        }

        return position;
    }
}
