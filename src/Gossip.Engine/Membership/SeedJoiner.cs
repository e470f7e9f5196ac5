using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Dissemination;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// Joining through seeds: a join notice queued for piggybacking and an anti-entropy exchange with each seed, repeated
/// every probe interval while this node knows no other live member, and afterwards, one seed at a time every
/// <see cref="GossipOptions.RetrySeedsEveryRounds"/>, for seeds that are not live members. The second part merges
/// two clusters that formed apart: nodes that joined during a partition, each reaching only the seeds on its own
/// side, never learn of the other side's members, so reconnection (which only tries members once known) cannot
/// find them.
/// </summary>
internal sealed class SeedJoiner
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly Disseminator _spread;
    private readonly DigestExchange _exchange;
    private readonly List<WireAddress> _seeds = [];
    private int _nextRetry;

    public SeedJoiner(NodeContext node, MembershipState members, Disseminator spread, DigestExchange exchange)
    {
        _node = node;
        _members = members;
        _spread = spread;
        _exchange = exchange;
    }

    /// <summary>Replaces the seeds and contacts them now.</summary>
    public void Join(List<WireAddress> seeds)
    {
        _seeds.Clear();
        _seeds.AddRange(seeds);
        SendJoin();
    }

    /// <summary>The first round after <paramref name="round"/> in which <see cref="Step"/> contacts a seed; <see cref="long.MaxValue"/> without seeds.</summary>
    public long NextWorkRound(long round)
    {
        if (_seeds.Count == 0)
        {
            return long.MaxValue;
        }

        int every = _members.Table.LiveCount <= 1 ? _node.Options.ProbeEveryRounds : _node.Options.RetrySeedsEveryRounds;
        return every > 0 ? NextMultiple(round, every) : long.MaxValue;
    }

    /// <summary>The first multiple of <paramref name="every"/> after <paramref name="round"/>.</summary>
    internal static long NextMultiple(long round, long every) => ((round / every) + 1) * every;

    /// <summary>Contacts the seeds again when this node is still alone, or now and then one that is not a live member.</summary>
    public void Step(long round)
    {
        if (_seeds.Count == 0)
        {
            return;
        }

        if (_members.Table.LiveCount <= 1)
        {
            if (round % _node.Options.ProbeEveryRounds == 0)
            {
                SendJoin();
            }

            return;
        }

        int every = _node.Options.RetrySeedsEveryRounds;
        if (every > 0 && round % every == 0)
        {
            RetryOneSeed();
        }
    }

    /// <summary>Syncs with the next seed (round-robin) that no live member answers for; nothing when all do.</summary>
    private void RetryOneSeed()
    {
        for (int tried = 0; tried < _seeds.Count; tried++)
        {
            WireAddress seed = _seeds[_nextRetry];
            _nextRetry = (_nextRetry + 1) % _seeds.Count;
            if (seed != _node.Address && !IsLiveMemberAt(seed))
            {
                // Two clusters that formed apart differ in everything: ask over our own stream, so the answer can be whole.
                _exchange.SendSyncRequest(seed, NodeId.None, overStream: true);
                return;
            }
        }
    }

    // A scan of the table: it runs once per retry interval (30 s by default), never on the hot path.
    private bool IsLiveMemberAt(WireAddress address)
    {
        MemberTable table = _members.Table;
        for (int i = 0; i < table.Count; i++)
        {
            Member member = table[i];
            if (member.IsLive && !member.Removed && member.Address == address)
            {
                return true;
            }
        }

        return false;
    }

    private void SendJoin()
    {
        Member self = _node.Self;
        _spread.Spread(new MembershipEvent(MembershipEventKind.Join, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address), urgent: false);

        // A datagram SYN: its answer is one datagram of the seed's table (and the join notice goes out at once, even
        // where the seed's TCP port cannot be reached). When the table does not fit, the ACK is cut and the sweep goes
        // on over a stream this node opens, on which the rest comes back whole (DigestExchange.OnAck): a seed never
        // opens a stream to answer, and many joiners do not hold a seed's inbound stream slots for a small table.
        foreach (WireAddress seed in _seeds)
        {
            if (seed != _node.Address)
            {
                _exchange.SendSyncRequest(seed, NodeId.None);
            }
        }
    }
}
