namespace Gossip.Engine.Membership;

/// <summary>
/// Shuffled round-robin over the live members: every member is picked once per pass, in a fresh random
/// order each pass, so picks do not cluster and every member is contacted within one pass (at most n picks).
/// A new member goes to a random place in what is left of the current pass (as memberlist does): an idle node
/// can sit on one pass for minutes, and a pass drawn while a cluster was forming would otherwise leave out every
/// member that joined later, which then hardly anyone would pick (measured: 8 of 500 late joiners never got a
/// rumor). Reuses its array: no allocation once it has grown to the table size.
/// </summary>
internal sealed class PeerSelector
{
    private readonly MemberTable _table;
    private readonly Member _self;
    private readonly IRandomSource _random;
    private Member[] _order = new Member[16];
    private int _count;
    private int _position;
    private Member[] _picks = [];
    private int _picked;

    public PeerSelector(MemberTable table, Member self, IRandomSource random)
    {
        _table = table;
        _self = self;
        _random = random;
    }

    /// <summary>The next live peer other than this node, or null when there is none.</summary>
    public Member? Next()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            while (_position < _count)
            {
                Member candidate = _order[_position++];
                if (!candidate.Removed && candidate.IsLive && candidate != _self)
                {
                    return candidate;
                }
            }

            Refill();
        }

        return null;
    }

    /// <summary>Adds a member that just joined the table at a random place among the picks left in this pass.</summary>
    public void Added(Member member)
    {
        if (member == _self)
        {
            return;
        }

        if (_count == _order.Length)
        {
            Array.Resize(ref _order, _order.Length * 2);
        }

        _order[_count] = member;
        int j = _position + _random.Next(_count - _position + 1);
        (_order[_count], _order[j]) = (_order[j], _order[_count]);
        _count++;
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct live peers, in the selector's own scratch array: valid until the next
    /// call (the previous picks are cleared then, so no removed member is kept alive by them for long).
    /// </summary>
    public ReadOnlySpan<Member> NextDistinct(int count)
    {
        Array.Clear(_picks, 0, _picked);
        if (_picks.Length < count)
        {
            _picks = new Member[count];
        }

        int found = 0;
        int limit = Math.Min(count, Math.Max(0, _table.LiveCount - 1));
        for (int guard = 0; found < limit && guard < limit * 3; guard++)
        {
            Member? peer = Next();
            if (peer is null)
            {
                break;
            }

            if (Array.IndexOf(_picks, peer, 0, found) < 0)
            {
                _picks[found++] = peer;
            }
        }

        _picked = found;
        return _picks.AsSpan(0, found);
    }

    private void Refill()
    {
        int n = _table.Count;
        if (_order.Length < n)
        {
            _order = new Member[Math.Max(n, _order.Length * 2)];
        }

        _count = 0;
        for (int i = 0; i < n; i++)
        {
            Member m = _table[i];
            if (m.IsLive && m != _self)
            {
                _order[_count++] = m;
            }
        }

        for (int i = _count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }

        // Drop references to members beyond the live ones so removed members can be collected.
        Array.Clear(_order, _count, _order.Length - _count);
        _position = 0;
    }
}
